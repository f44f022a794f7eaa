// n8n's own lint for community packages (`n8n-node lint`), in its self-hosted flavour
// (configWithoutCloudSupport): this package depends on a native addon, so it is for self-hosted
// n8n, not n8n Cloud or n8n's verification.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	...configWithoutCloudSupport,
	{ ignores: ['test/**', 'scripts/**', 'index.js'] },
	{
		// The one rule a native runtime dependency trips by nature: instagram-native (a prebuilt
		// binary per platform, installed by npm) cannot be bundled into the build output.
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
];
