// Code written against API.md only. `tsc --noEmit --strict` over this file proves that the
// generated index.d.ts types the public surface as the contract says (run by types.test.js).
import {
  exchangeToken, refreshToken, preAuthenticate, tokenStatus, getAccount, sendMessage, verifyWebhook, verifyWebhookSync,
  replyToComment, hideComment, deleteComment, getUserProfile, messagingWindow,
  listConversations, getMessages, markSeen,
  setIceBreakers, getIceBreakers, deleteIceBreakers, setPersistentMenu, getPersistentMenu, deletePersistentMenu,
} from '../..'
import type {
  TokenGrant, CredentialState, PreAuthResult, PreAuthAction, TokenStatus, InstagramAccount, SendRequest, SendResult,
  OutgoingMessage, Button, WebhookRequest, WebhookSecrets, WebhookResult, WebhookEvent, RejectReason, LoginType,
  CallOptions, TokenPolicy, InstagramError, ErrorCode,
  CommentReply, HideCommentResult, DeleteCommentResult, UserProfile, MessagingWindow, MessagingAllowed,
  ReplyToCommentRequest, HideCommentRequest, DeleteCommentRequest, UserProfileRequest, MessagingWindowRequest,
  MessagingWindowOptions,
  ListConversationsRequest, ConversationPage, Conversation, Participant, GetMessagesRequest, MessageHistory,
  ConversationMessage, ConversationAttachment, ConversationAttachmentType, MessageDirection, MarkSeenRequest, MarkSeenResult,
  IceBreakers, IceBreakerQuestion, MenuItem, PersistentMenu, SetIceBreakersRequest, SetPersistentMenuRequest,
  MessengerProfileRequest, MessengerProfileResult,
  SentPart, PartialSend,
} from '../..'

const options: CallOptions = { instagramUrl: 'http://127.0.0.1:1', facebookUrl: 'https://graph.facebook.com', apiVersion: 'v24.0', timeoutMs: 1, maxRetries: 0, now: 0 }
const policy: CallOptions & TokenPolicy = { ...options, refreshWindowMs: 1, minRefreshAgeMs: 1, expirySkewMs: 1 }
const login: LoginType = 'instagram'

async function tokens(): Promise<void> {
  const g: TokenGrant = await exchangeToken({ accessToken: 'a', clientSecret: 's', clientId: 'i', loginType: login }, options)
  const n: number = g.expiresAt + g.issuedAt + g.expiresIn
  const t: string = g.tokenType + g.accessToken
  const r: TokenGrant = await refreshToken({ accessToken: g.accessToken })
  const state: CredentialState = {
    accessToken: r.accessToken, accessTokenExpiresAt: '2026-11-28T12:00:00Z', accessTokenIssuedAt: 1795867200,
    sourceTokenFingerprint: 'f', oauthAccessToken: 'o', clientId: 'i', clientSecret: 's', loginType: 'facebook',
  }
  const p: PreAuthResult = await preAuthenticate(state, policy)
  const action: PreAuthAction = p.action
  const persisted: { accessToken: string; accessTokenExpiresAt?: number; accessTokenIssuedAt?: number; sourceTokenFingerprint?: string } = p
  const w: string | undefined = p.warning
  const changed: boolean = p.changed
  const s: TokenStatus = tokenStatus(state, policy)
  const next: 'none' | 'exchange' | 'refresh' | 'wait' | 'expired' = s.next
  const e: number | undefined = s.expiresInMs ?? s.ageMs
  void [n, t, action, persisted, w, changed, next, e]
}

async function accounts(): Promise<void> {
  const list: InstagramAccount[] = await getAccount({ accessToken: 'a', loginType: 'instagram' }, options)
  const a = list[0]
  const fields: (string | undefined)[] = [a.id, a.username, a.name, a.accountType, a.pageId, a.pageName]
  void fields
}

async function sending(): Promise<void> {
  const buttons: Button[] = [{ type: 'web_url', title: 't', url: 'https://x' }, { type: 'postback', title: 't', payload: 'p' }]
  const messages: OutgoingMessage[] = [
    { text: 'hi', quickReplies: [{ title: 't', payload: 'p' }] },
    { attachment: { type: 'image', url: 'https://x' } },
    { attachment: { type: 'file', attachmentId: '1' } },
    { images: ['https://x'] },
    { sticker: 'like_heart' },
    { mediaShare: { postId: '1' } },
    { genericTemplate: { elements: [{ title: 't', subtitle: 's', imageUrl: 'https://x', defaultActionUrl: 'https://x', buttons }] } },
    { buttonTemplate: { text: 't', buttons } },
  ]
  const reqs: SendRequest[] = [
    ...messages.map((message) => ({ accessToken: 'a', recipient: { id: '1' }, message })),
    { accessToken: 'a', accountId: '1', loginType: 'facebook', appSecret: 's', recipient: { commentId: '1' }, message: { text: 'x' } },
    { accessToken: 'a', recipient: { id: '1' }, senderAction: 'typing_on' },
    { accessToken: 'a', recipient: { id: '1' }, reaction: { messageId: 'm', reaction: 'love' } },
    { accessToken: 'a', recipient: { id: '1' }, reaction: { messageId: 'm' } },
    { accessToken: 'a', recipient: { id: '1' }, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'x' } },
  ]
  for (const req of reqs) {
    const res: SendResult = await sendMessage(req, options)
    const info: [string, string | undefined, number | undefined] = [res.recipientId, res.messageId, res.rateLimit?.estimatedTimeToRegainAccessMs]
    void info
  }
  // splitLongText (docs/API-beyond-dms.md, "Long text, split"): the parts in the result.
  const split: SendResult = await sendMessage(
    { accessToken: 'a', recipient: { id: '1' }, message: { text: 'x'.repeat(2500), quickReplies: [{ title: 't', payload: 'p' }] }, splitLongText: true },
    options,
  )
  const parts: SentPart[] | undefined = split.parts
  const first: [string, string | undefined] | undefined = parts && [parts[0].text, parts[0].messageId]
  void first
  // @ts-expect-error splitLongText is a boolean
  void sendMessage({ accessToken: 'a', recipient: { id: '1' }, message: { text: 'x' }, splitLongText: 'yes' })
  // @ts-expect-error an unknown sender action is not a SendRequest
  void sendMessage({ accessToken: 'a', recipient: { id: '1' }, senderAction: 'dance' })
  // @ts-expect-error a sticker other than like_heart
  void sendMessage({ accessToken: 'a', recipient: { id: '1' }, message: { sticker: 'smile' } })
}

async function webhooks(): Promise<void> {
  const request: WebhookRequest = { method: 'POST', query: { a: 'b', c: ['d'] }, headers: { 'x-hub-signature-256': 'sha256=00' }, body: Buffer.from('{}') }
  const secrets: WebhookSecrets = { verifyToken: 'v', appSecret: ['a', 'b'], allowUnsigned: false, maxBodyBytes: 1 }
  const results: WebhookResult[] = [verifyWebhookSync(request, secrets), await verifyWebhook({ method: 'GET', body: 'x' }, { appSecret: 'a' })]
  for (const r of results) {
    switch (r.kind) {
      case 'challenge': {
        const body: string = r.body
        const status: 200 = r.status
        void [body, status]
        break
      }
      case 'events': {
        const object: string = r.object
        const events: WebhookEvent[] = r.events
        for (const e of events) {
          const f: (string | number | boolean | undefined)[] = [
            e.id, e.type, e.accountId, e.timestamp, e.senderId, e.recipientId, e.standby, e.messageId, e.text,
            e.attachments?.[0]?.type, e.attachments?.[0]?.url, e.attachments?.[0]?.title, e.attachments?.[0]?.id,
            e.quickReplyPayload, e.replyTo?.messageId, e.replyTo?.storyId, e.replyTo?.storyUrl,
            e.postback?.title, e.postback?.payload, e.reaction?.action, e.reaction?.reaction, e.reaction?.emoji,
            e.referral?.ref, e.referral?.source, e.referral?.type, e.referral?.adId,
            e.comment?.id, e.comment?.text, e.comment?.fromId, e.comment?.fromUsername, e.comment?.mediaId,
            e.comment?.mediaProductType, e.comment?.parentId, e.field,
          ]
          const raw: unknown = e.raw
          void [object, f, raw]
        }
        break
      }
      case 'rejected': {
        const status: 400 | 401 | 403 | 405 | 413 = r.status
        const reason: RejectReason = r.reason
        const message: string = r.message
        void [status, reason, message]
        break
      }
    }
  }
}

// docs/API-beyond-dms.md: the comment kit, the profile, the messaging window.
async function beyondDms(): Promise<void> {
  const auth = { accessToken: 'a', loginType: 'facebook' as LoginType, appSecret: 's' }
  const replyReq: ReplyToCommentRequest = { ...auth, commentId: '1', text: 'thanks' }
  const reply: CommentReply = await replyToComment(replyReq, options)
  const hideReq: HideCommentRequest = { accessToken: 'a', commentId: '1', hide: false }
  const hidden: HideCommentResult = await hideComment(hideReq, options)
  const delReq: DeleteCommentRequest = { ...auth, commentId: '1' }
  const deleted: DeleteCommentResult = await deleteComment(delReq)
  const isTrue: true = deleted.deleted
  const profileReq: UserProfileRequest = { accessToken: 'a', userId: '1' }
  const p: UserProfile = await getUserProfile(profileReq, options)
  const fields: [string, string?, string?, string?, number?, boolean?, boolean?] = [
    p.id, p.name, p.username, p.profilePicUrl, p.followerCount, p.userFollowsAccount, p.accountFollowsUser,
  ]
  const windowReq: MessagingWindowRequest = { lastUserMessageAt: null, commentAt: '2026-11-28T12:00:00Z' }
  const windowOpts: MessagingWindowOptions = { now: 0, safetyMarginMs: 0 }
  const w: MessagingWindow = messagingWindow(windowReq, windowOpts)
  const allowed: 'standard' | 'human_agent' | 'none' = w.allowed
  const kind: MessagingAllowed = allowed
  const until: (number | undefined)[] = [w.standardUntil, w.humanAgentUntil, w.privateReplyUntil]
  const pr: boolean | undefined = w.privateReply
  messagingWindow({ lastUserMessageAt: 1 })
  const ids: string[] = [reply.id, hidden.commentId, deleted.commentId]
  const h: boolean = hidden.hidden
  void [isTrue, fields, kind, until, pr, ids, h]
  // @ts-expect-error text is required
  void replyToComment({ accessToken: 'a', commentId: '1' })
  // @ts-expect-error userId is required
  void getUserProfile({ accessToken: 'a' })
}

// docs/API-beyond-dms.md: the conversation context.
async function conversationContext(): Promise<void> {
  const listReq: ListConversationsRequest = { accessToken: 'a', accountId: 'me', limit: 10, after: 'c' }
  const page: ConversationPage = await listConversations(listReq, options)
  const c: Conversation | undefined = page.conversations[0]
  const next: string | undefined = page.nextCursor
  const people: Participant[] | undefined = c?.participants
  const updated: number | undefined = c?.updatedAt
  const getReq: GetMessagesRequest = { accessToken: 'a', userId: '1', limit: 5 }
  const history: MessageHistory = await getMessages(getReq)
  const conversationId: string | undefined = history.conversationId
  const m: ConversationMessage | undefined = history.messages[0]
  const fields: [string?, number?, string?, string?, string?, string?] = [m?.id, m?.createdAt, m?.senderId, m?.senderUsername, m?.recipientId, m?.text]
  const direction: MessageDirection | 'incoming' | 'outgoing' | undefined = m?.direction
  const a: ConversationAttachment | undefined = m?.attachments?.[0]
  const kind: ConversationAttachmentType | undefined = a?.type
  const url: string | undefined = a?.url
  const seenReq: MarkSeenRequest = { accessToken: 'a', userId: '1', appSecret: 's' }
  const seen: MarkSeenResult = await markSeen(seenReq, options)
  const recipient: string = seen.recipientId
  void [next, people, updated, conversationId, fields, direction, kind, url, recipient]
  // @ts-expect-error userId is required
  void markSeen({ accessToken: 'a' })
  // @ts-expect-error an attachment type outside the list
  const wrong: ConversationAttachmentType = 'sticker'
  void wrong
}

function errors(e: InstagramError): void {
  const code: ErrorCode = e.code
  const rest: [boolean, number?, number?, number?, string?, string?, string?, string?, number?] = [
    e.retryable, e.httpStatus, e.graphCode, e.graphSubcode, e.graphType, e.fbtraceId, e.userTitle, e.userMessage, e.retryAfterMs,
  ]
  void [code, rest]
  // A split send that failed at one part: what to send again.
  const partial: PartialSend | undefined = e.partial
  if (partial) {
    const sent: SentPart[] = partial.sent
    const resend: string[] = partial.parts.slice(partial.failedMayBeDelivered ? partial.failedIndex + 1 : partial.failedIndex)
    const index: number = partial.failedIndex
    void [sent, resend, index]
  }
}

void [tokens, accounts, sending, webhooks, beyondDms, conversationContext, greetingAndMenu, errors]

// docs/API-beyond-dms.md: greeting and menu.
async function greetingAndMenu(): Promise<void> {
  const account: MessengerProfileRequest = { accessToken: 'a', accountId: 'me', loginType: 'facebook', appSecret: 's' }
  const q: IceBreakerQuestion = { question: 'Hours?', payload: 'HOURS' }
  const ice: IceBreakers[] = [{ locale: 'default', questions: [q] }]
  const setIce: SetIceBreakersRequest = { ...account, iceBreakers: ice }
  const done: MessengerProfileResult = await setIceBreakers(setIce, options)
  const success: true = done.success
  const got: IceBreakers[] = await getIceBreakers(account, options)
  const deleted: { success: true } = await deleteIceBreakers({ accessToken: 'a' })
  const items: MenuItem[] = [{ type: 'postback', title: 'Human', payload: 'HUMAN' }, { type: 'web_url', title: 'Shop', url: 'https://example.com' }]
  const menu: PersistentMenu[] = [{ locale: 'default', items }]
  const setMenu: SetPersistentMenuRequest = { accessToken: 'a', persistentMenu: menu }
  await setPersistentMenu(setMenu, options)
  const back: PersistentMenu[] = await getPersistentMenu(account)
  const first: MenuItem | undefined = back[0]?.items[0]
  const title: string | undefined = first?.title
  await deletePersistentMenu(account, options)
  void [success, got, deleted, title]
  // @ts-expect-error iceBreakers is required
  void setIceBreakers({ accessToken: 'a' })
  // @ts-expect-error a postback item needs its payload
  const noPayload: MenuItem = { type: 'postback', title: 'x' }
  // @ts-expect-error questions is required
  const noQuestions: IceBreakers = { locale: 'default' }
  void [noPayload, noQuestions]
}
