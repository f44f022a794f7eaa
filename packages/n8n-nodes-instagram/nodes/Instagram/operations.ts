import type { IExecuteFunctions } from 'n8n-workflow';
import { deleteComment, getMessages, getUserProfile, hideComment, listConversations, markSeen, replyToComment } from 'instagram-native';
import type { Session } from './session';

/** An operation that is not a send: one addon call per item (docs/API-beyond-dms.md). */
type Operation = (this: IExecuteFunctions, i: number, session: Session) => Promise<object>;

/** The shared request fields (AuthFields) of the session. */
const auth = (s: Session) => ({
	accessToken: s.accessToken,
	loginType: s.loginType,
	...(s.appSecret ? { appSecret: s.appSecret } : {}),
});

function id(this: IExecuteFunctions, name: string, i: number): string {
	return String(this.getNodeParameter(name, i));
}

function hide(hidden: boolean): Operation {
	return async function (this: IExecuteFunctions, i, s) {
		return hideComment({ ...auth(s), commentId: id.call(this, 'commentId', i), hide: hidden }, s.options);
	};
}

/** `resource:operation` → the addon call, for everything but the sends. */
export const operations: Record<string, Operation> = {
	'comment:reply': async function (i, s) {
		const text = this.getNodeParameter('text', i) as string;
		return replyToComment({ ...auth(s), commentId: id.call(this, 'commentId', i), text }, s.options);
	},
	'comment:hide': hide(true),
	'comment:unhide': hide(false),
	'comment:delete': async function (i, s) {
		return deleteComment({ ...auth(s), commentId: id.call(this, 'commentId', i) }, s.options);
	},
	'user:getProfile': async function (i, s) {
		return getUserProfile({ ...auth(s), userId: id.call(this, 'userId', i) }, s.options);
	},
	'user:markSeen': async function (i, s) {
		return markSeen({ ...auth(s), accountId: s.accountId, userId: id.call(this, 'userId', i) }, s.options);
	},
	'conversation:list': async function (i, s) {
		const limit = this.getNodeParameter('limit', i) as number;
		const after = this.getNodeParameter('after', i, '') as string;
		return listConversations({ ...auth(s), accountId: s.accountId, limit, ...(after ? { after } : {}) }, s.options);
	},
	'conversation:getMessages': async function (i, s) {
		const limit = this.getNodeParameter('messageLimit', i) as number;
		const of = this.getNodeParameter('messagesOf', i) as string;
		const which = of === 'conversation' ? { conversationId: id.call(this, 'conversationId', i) } : { userId: id.call(this, 'userId', i) };
		return getMessages({ ...auth(s), accountId: s.accountId, limit, ...which }, s.options);
	},
};

/** The operation of `resource` / `operation`, when it is not a send. */
export function operationOf(resource: string, operation: string): Operation | undefined {
	const key = `${resource}:${operation}`;
	return Object.prototype.hasOwnProperty.call(operations, key) ? operations[key] : undefined;
}
