import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import {
	deleteComment,
	deleteIceBreakers,
	deletePersistentMenu,
	getIceBreakers,
	getMessages,
	getPersistentMenu,
	getUserProfile,
	hideComment,
	listConversations,
	markSeen,
	messagingWindow,
	replyToComment,
	setIceBreakers,
	setPersistentMenu,
} from 'instagram-native';
import type { IceBreakerQuestion, IceBreakers, MenuItem, PersistentMenu } from 'instagram-native';
import type { Session } from './session';

/** An operation that is not a send: one addon call per item (docs/API-beyond-dms.md). */
type Operation = (this: IExecuteFunctions, i: number, session: Session) => Promise<object>;

/** The shared request fields (AuthFields) of the session. */
const auth = (s: Session) => ({
	accessToken: s.accessToken,
	loginType: s.loginType,
	...(s.appSecret ? { appSecret: s.appSecret } : {}),
});

/** The shared request fields and the session's account (AccountFields). */
const account = (s: Session) => ({ ...auth(s), accountId: s.accountId });

function id(this: IExecuteFunctions, name: string, i: number): string {
	return String(this.getNodeParameter(name, i));
}

function hide(hidden: boolean): Operation {
	return async function (this: IExecuteFunctions, i, s) {
		return hideComment({ ...auth(s), commentId: id.call(this, 'commentId', i), hide: hidden }, s.options);
	};
}

/** The entries of a fixedCollection parameter (`option` holds the list). */
function entries(this: IExecuteFunctions, name: string, option: string, i: number): IDataObject[] {
	return ((this.getNodeParameter(name, i, {}) as IDataObject)[option] as IDataObject[] | undefined) ?? [];
}

/** Entries that each carry their locale (one per question or menu item), grouped by locale in the
 * order the locales first appear. */
function byLocale<T>(list: IDataObject[], each: (e: IDataObject) => T): { locale: string; list: T[] }[] {
	const groups = new Map<string, T[]>();
	for (const e of list) {
		const locale = String(e.locale ?? 'default');
		groups.set(locale, [...(groups.get(locale) ?? []), each(e)]);
	}
	return [...groups].map(([locale, list]) => ({ locale, list }));
}

function iceBreakersOf(this: IExecuteFunctions, i: number): IceBreakers[] {
	const question = (e: IDataObject): IceBreakerQuestion => ({ question: String(e.question ?? ''), payload: String(e.payload ?? '') });
	return byLocale(entries.call(this, 'iceBreakers', 'question', i), question).map(({ locale, list }) => ({ locale, questions: list }));
}

function menuOf(this: IExecuteFunctions, i: number): PersistentMenu[] {
	const item = (e: IDataObject): MenuItem =>
		e.type === 'web_url'
			? { type: 'web_url', title: String(e.title ?? ''), url: String(e.url ?? '') }
			: { type: 'postback', title: String(e.title ?? ''), payload: String(e.payload ?? '') };
	return byLocale(entries.call(this, 'persistentMenu', 'item', i), item).map(({ locale, list }) => ({ locale, items: list }));
}

/** A time parameter as messagingWindow takes it: epoch ms (a number, or digits), an ISO date, or null when empty. */
export function timeOf(value: unknown): number | string | null {
	if (typeof value === 'number') return value;
	const text = typeof value === 'string' ? value.trim() : '';
	if (text === '') return null;
	return /^\d+$/.test(text) ? Number(text) : text;
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
		return markSeen({ ...account(s), userId: id.call(this, 'userId', i) }, s.options);
	},
	'user:messagingWindow': async function (i) {
		const time = (name: string) => timeOf(this.getNodeParameter(name, i, '') as unknown);
		return messagingWindow({ lastUserMessageAt: time('lastUserMessageAt'), commentAt: time('commentAt') });
	},
	'conversation:list': async function (i, s) {
		const limit = this.getNodeParameter('limit', i) as number;
		const after = this.getNodeParameter('after', i, '') as string;
		return listConversations({ ...account(s), limit, ...(after ? { after } : {}) }, s.options);
	},
	'conversation:getMessages': async function (i, s) {
		const limit = this.getNodeParameter('messageLimit', i) as number;
		const of = this.getNodeParameter('messagesOf', i) as string;
		const which = of === 'conversation' ? { conversationId: id.call(this, 'conversationId', i) } : { userId: id.call(this, 'userId', i) };
		return getMessages({ ...account(s), limit, ...which }, s.options);
	},
	'messengerProfile:setIceBreakers': async function (i, s) {
		return setIceBreakers({ ...account(s), iceBreakers: iceBreakersOf.call(this, i) }, s.options);
	},
	'messengerProfile:getIceBreakers': async function (_i, s) {
		return { iceBreakers: await getIceBreakers(account(s), s.options) };
	},
	'messengerProfile:deleteIceBreakers': async function (_i, s) {
		return deleteIceBreakers(account(s), s.options);
	},
	'messengerProfile:setPersistentMenu': async function (i, s) {
		return setPersistentMenu({ ...account(s), persistentMenu: menuOf.call(this, i) }, s.options);
	},
	'messengerProfile:getPersistentMenu': async function (_i, s) {
		return { persistentMenu: await getPersistentMenu(account(s), s.options) };
	},
	'messengerProfile:deletePersistentMenu': async function (_i, s) {
		return deletePersistentMenu(account(s), s.options);
	},
};

/** The operation of `resource` / `operation`, when it is not a send. */
export function operationOf(resource: string, operation: string): Operation | undefined {
	const key = `${resource}:${operation}`;
	return Object.prototype.hasOwnProperty.call(operations, key) ? operations[key] : undefined;
}
