// n8n loads the files listed under "n8n" in package.json; this entry point is for require().
'use strict'
module.exports = {
  InstagramNativeApi: require('./dist/credentials/InstagramNativeApi.credentials').InstagramNativeApi,
  Instagram: require('./dist/nodes/Instagram/Instagram.node').Instagram,
  InstagramTrigger: require('./dist/nodes/InstagramTrigger/InstagramTrigger.node').InstagramTrigger,
}
