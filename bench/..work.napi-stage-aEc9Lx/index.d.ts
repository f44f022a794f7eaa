/* Generated from the Rust types by src/dts.rs (`npm run dts`), then by `napi build`: edit the types, not this file. */
/* eslint-disable */

/** A token or a secret, as text: this package never logs or echoes one. */
export type Secret = string

/** Which of Meta's two Instagram APIs a token belongs to. */
export type LoginType = "instagram" | "facebook"

/** Options accepted as the last argument of every networked function. */
export interface CallOptions {
  /**
   * Base URL of the Instagram-login Graph host. Default `"https://graph.instagram.com"`.
   * Must be `https://`; `http://` only for loopback hosts. A trailing `/` is ignored.
   */
  instagramUrl?: string
  /** Base URL of the Facebook-login Graph host. Default `"https://graph.facebook.com"`. */
  facebookUrl?: string
  /** Graph API version, e.g. `"v24.0"` (the default). */
  apiVersion?: string
  /** Time limit per attempt in milliseconds. Default 30000. */
  timeoutMs?: number
  /**
   * Automatic retries for the retryable cases (rate limits, transient Graph errors,
   * connect failures). Default 2; 0 to 10.
   */
  maxRetries?: number
  /**
   * Epoch milliseconds that replace the clock for every time decision (tests, replays);
   * also the `issuedAt` of a grant.
   */
  now?: number
  /**
   * Client-side pacing of `sendMessage`, `markSeen`, `listConversations` and `getMessages`
   * within this process: a burst queues under Meta's published limits (per account) and
   * sends to one recipient start in call order. Default `true`; `false` sends at once, with
   * no per-recipient ordering.
   */
  pacing?: boolean
  /**
   * The longest a paced call waits for its turn, in milliseconds; a call that would wait
   * longer fails with `RATE_LIMITED` (`retryable`, not sent). Default 60000; 0 = never
   * wait. A finite integer ≥ 0.
   */
  pacingMaxWaitMs?: number
}

/** When `preAuthenticate` refreshes. All in milliseconds. */
export interface TokenPolicy {
  /** Refresh when less than this remains before expiry. Default 7 days (604800000). */
  refreshWindowMs?: number
  /** Do not refresh tokens younger than this (Meta refuses). Default 24 h (86400000). */
  minRefreshAgeMs?: number
  /** A token this close to its expiry counts as expired. Default 5 min (300000). */
  expirySkewMs?: number
}

/** What went wrong, one stable code per class of failure (README, "Errors"). */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_INVALID'
  | 'PERMISSION_DENIED'
  | 'OUTSIDE_MESSAGING_WINDOW'
  | 'RECIPIENT_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'GRAPH_TRANSIENT'
  | 'GRAPH_ERROR'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'BAD_RESPONSE'

/** Every rejection of this package is an `Error` with these properties (the optional ones when known). */
export interface InstagramError extends Error {
  code: ErrorCode
  /** True for RATE_LIMITED, GRAPH_TRANSIENT, NETWORK and TIMEOUT. */
  retryable: boolean
  /** The HTTP status of Meta's answer, when there was one. */
  httpStatus?: number
  /** Meta's `error.code`. */
  graphCode?: number
  /** Meta's `error.error_subcode`. */
  graphSubcode?: number
  /** Meta's `error.type`. */
  graphType?: string
  /** Meta's `error.fbtrace_id`, for Meta's support. */
  fbtraceId?: string
  /** Meta's `error_user_title`. */
  userTitle?: string
  /** Meta's `error_user_msg`. */
  userMessage?: string
  /** From `Retry-After` or the usage headers, in milliseconds. */
  retryAfterMs?: number
  /**
   * Only from a `splitLongText` send that failed at one part (the other properties are that
   * part's): the parts, those Meta confirmed, and the one that failed.
   */
  partial?: PartialSend
}

/** A long-lived token as Meta granted it (`TokenGrant` of API.md). */
export interface TokenGrant {
  /** The long-lived access token (about 60 days). */
  accessToken: string
  /** `"bearer"`. */
  tokenType: string
  /** Lifetime in seconds, as Meta sent it. */
  expiresIn: number
  /** Epoch milliseconds: `issuedAt + expiresIn * 1000`. */
  expiresAt: number
  /** Epoch milliseconds: the clock (or `options.now`) when the answer arrived. */
  issuedAt: number
  loginType: LoginType
}

/** The request of `exchangeToken`. */
export interface ExchangeTokenRequest {
  /** The short-lived token from the OAuth flow. */
  accessToken: Secret
  /** The app secret. */
  clientSecret: Secret
  /** The Meta app id; required for loginType `'facebook'`. */
  clientId?: string
  /** Default: `'facebook'` for a token starting `EAA`, else `'instagram'`. */
  loginType?: LoginType
}

/** The request of `refreshToken`. */
export interface RefreshTokenRequest {
  /** A long-lived Instagram-login token, at least 24 h old and not expired. */
  accessToken: Secret
}

/**
 * A point in time as a caller may give it: epoch ms, epoch seconds (a number below 10^11)
 * or an RFC 3339 string.
 */
export type TimeInput = number | string

/** A stored credential, as an n8n credential holds it. */
export interface CredentialState {
  /** The stored long-lived token (`''` or absent: none yet). */
  accessToken?: Secret
  /** When it expires: epoch ms, epoch seconds (a number below 10^11) or an RFC 3339 string. */
  accessTokenExpiresAt?: TimeInput
  /** When it was issued: epoch ms, epoch seconds or an RFC 3339 string. */
  accessTokenIssuedAt?: TimeInput
  /** From an earlier result: which OAuth token the stored token came from. */
  sourceTokenFingerprint?: string
  /** The short-lived token from the OAuth flow, if any. */
  oauthAccessToken?: Secret
  /** The Meta app id (needed to exchange a Facebook-login token). */
  clientId?: string
  /** The app secret (needed to exchange). */
  clientSecret?: Secret
  /** Default: `'facebook'` for tokens starting `EAA`, else `'instagram'`. */
  loginType?: LoginType
}

/** What `preAuthenticate` did. */
export type PreAuthAction = "none" | "exchanged" | "refreshed" | "kept"

/**
 * The result of `preAuthenticate`. The fields other than `action`, `changed` and `warning`
 * are what an n8n credential's `preAuthentication` hook returns for n8n to persist.
 */
export interface PreAuthResult {
  action: PreAuthAction
  /** True when a field below differs from the input (times compared as epoch ms). */
  changed: boolean
  /** Never empty: the token to use now. */
  accessToken: string
  /** Epoch ms; absent only when still unknown (e.g. a Facebook token never exchanged here). */
  accessTokenExpiresAt?: number
  /** Epoch ms; absent when unknown. */
  accessTokenIssuedAt?: number
  /**
   * A short one-way fingerprint (never the token) of the OAuth token the stored token
   * came from; carried over when not exchanged now.
   */
  sourceTokenFingerprint?: string
  /** Set with action `'kept'`: why the refresh or exchange failed (no secrets). */
  warning?: string
}

/**
 * What is due for a credential: `'exchange'` a new OAuth token, `'refresh'` the stored one,
 * `'wait'` (inside the refresh window but younger than `minRefreshAgeMs`), `'expired'`
 * (reconnect), or `'none'`.
 */
export type TokenNext = "none" | "exchange" | "refresh" | "wait" | "expired"

/** What is due for a credential (no network). */
export interface TokenStatus {
  next: TokenNext
  /** Milliseconds until expiry (negative once passed); absent when unknown. */
  expiresInMs?: number
  /** Milliseconds since issue; absent when unknown. */
  ageMs?: number
}

/** The request of `getAccount`. */
export interface GetAccountRequest {
  accessToken: Secret
  /** Default: `'facebook'` for a token starting `EAA`, else `'instagram'`. */
  loginType?: LoginType
}

/** An Instagram professional account reachable with a token. */
export interface InstagramAccount {
  /**
   * The IG professional account id (`user_id`): the id webhooks carry in `entry[].id`
   * and the `accountId` for sending. Always a string.
   */
  id: string
  username?: string
  name?: string
  /** `BUSINESS` or `MEDIA_CREATOR` (Instagram login). */
  accountType?: string
  /** The linked Facebook page (Facebook login). */
  pageId?: string
  pageName?: string
}

/** The request of `sendMessage`: exactly one of `message`, `senderAction`, `reaction`. */
export interface SendRequest {
  /**
   * Instagram user token (`IGAA…`) or page token (`EAA…`); sent as `Authorization: Bearer`.
   * Required, non-empty.
   */
  accessToken: Secret
  /**
   * IG professional account id (instagram login) or page id (facebook login): `"me"` or
   * ASCII digits. Default `"me"`.
   */
  accountId?: string
  /** Default: `facebook` for a token starting `EAA`, else `instagram`. */
  loginType?: LoginType
  /** Facebook login only: adds `appsecret_proof` to the request. */
  appSecret?: Secret
  /** `{ id }` (an Instagram-scoped user id) or `{ commentId }` (a private reply to a comment). */
  recipient: { id: string } | { commentId: string }
  /** A message; exactly one of `message` / `senderAction` / `reaction`. */
  message?: OutgoingMessage
  /** A typing indicator or read receipt. */
  senderAction?: 'typing_on' | 'typing_off' | 'mark_seen'
  /** React to (or, without `reaction`, unreact from) a message. */
  reaction?: { messageId: string; reaction?: string }
  /** Messages default to `'RESPONSE'`. */
  messagingType?: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG'
  /**
   * Only with `messagingType: 'MESSAGE_TAG'`, which requires it; `HUMAN_AGENT` allows
   * answers up to 7 days after the user's last message.
   */
  tag?: 'HUMAN_AGENT'
  /**
   * Default `false`: a `message.text` over 1000 UTF-8 bytes is `INVALID_ARGUMENT`. `true`:
   * such a text is cut into at most 10 parts of at most 1000 bytes (at line breaks, between
   * words, at other Unicode line-break opportunities, never inside a grapheme cluster;
   * whitespace at a cut is dropped), all checked before the first is sent, then sent one
   * after the other (`quickReplies` with the last). Only with `message.text`; a private reply
   * (`recipient.commentId`) cannot be split. The result lists the `parts`; a failed part
   * rejects with `partial` set.
   */
  splitLongText?: boolean
}

/** Exactly one content kind per message. */
export type OutgoingMessage =
  | { text: string; quickReplies?: QuickReply[] }
  | { attachment: MessageAttachment }
  | { images: string[] }
  | { sticker: 'like_heart' }
  | { mediaShare: MediaShare }
  | { genericTemplate: GenericTemplate }
  | { buttonTemplate: ButtonTemplate }

/** A quick reply button under a text message. */
export interface QuickReply {
  /** 1–20 characters. */
  title: string
  /** 1–1000 characters, sent back in the webhook when tapped. */
  payload: string
}

/** `message.attachment`. */
export interface MessageAttachment {
  type: 'image' | 'audio' | 'video' | 'file'
  /** Absolute `http(s)` URL Meta fetches; exactly one of `url` / `attachmentId`. */
  url?: string
  /** Id of an attachment uploaded before; exactly one of `url` / `attachmentId`. */
  attachmentId?: string
}

/** `message.mediaShare`. */
export interface MediaShare {
  /** Id of the post to share. Required, non-empty. */
  postId: string
}

/** `message.genericTemplate`. */
export interface GenericTemplate {
  /** 1–10 cards. */
  elements: Array<TemplateElement>
}

/** One card of a generic template. */
export interface TemplateElement {
  /** 1–80 characters. */
  title: string
  /** 1–80 characters when given. */
  subtitle?: string
  /** Absolute `http(s)` URL of the card image. */
  imageUrl?: string
  /** Absolute `http(s)` URL opened when the card is tapped. */
  defaultActionUrl?: string
  /** 1–3 buttons when given. */
  buttons?: Button[]
}

/** `message.buttonTemplate`. */
export interface ButtonTemplate {
  /** 1–640 characters. */
  text: string
  /** 1–3 buttons. */
  buttons: Button[]
}

/** A template button: titles 1–20 characters; `url` absolute http(s); `payload` 1–1000 characters. */
export type Button =
  | { type: 'web_url'; title: string; url: string }
  | { type: 'postback'; title: string; payload: string }

/** Meta's answer to a send. */
export interface SendResult {
  recipientId: string
  /**
   * The `mid` of the sent message (of the last part, for a split text); absent for some
   * sender actions and reactions.
   */
  messageId?: string
  /** What the usage headers said, when they said anything (of the last part's answer). */
  rateLimit?: RateLimitInfo
  /**
   * Present whenever `splitLongText` is true: every part sent, in order (one for a text of
   * at most 1000 bytes).
   */
  parts?: Array<SentPart>
}

/** One part of a split text that Meta confirmed. */
export interface SentPart {
  /** The part's text, exactly as sent. */
  text: string
  /** Its `mid`. */
  messageId?: string
}

/**
 * What a `splitLongText` send had done when one of its parts failed (`InstagramError.partial`).
 * To finish, send `parts.slice(failedIndex)`, or from `failedIndex + 1` when
 * `failedMayBeDelivered` and the conversation shows that part arrived.
 */
export interface PartialSend {
  /** Every part's text, in order. */
  parts: Array<string>
  /** The parts Meta confirmed: `parts[0 .. sent.length)`. */
  sent: Array<SentPart>
  /** `sent.length`: the index in `parts` of the part whose send failed. */
  failedIndex: number
  /**
   * True when the failed part may have been delivered all the same: after `TIMEOUT`, a
   * `NETWORK` failure after the request was written, a bare HTTP 5xx, or a 2xx answer that
   * did not parse.
   */
  failedMayBeDelivered: boolean
}

/**
 * What the usage headers said about rate limits (`x-app-usage`,
 * `x-business-use-case-usage`; percentages, throttling at 100).
 */
export interface RateLimitInfo {
  /** Percent of the app's call budget used (`call_count`, or `call_volume` on graph.instagram.com). */
  appCallCountPct?: number
  /** The highest `call_count` percent among the business-use-case entries. */
  businessCallCountPct?: number
  /** `estimated_time_to_regain_access` (sent in minutes), in milliseconds. */
  estimatedTimeToRegainAccessMs?: number
}

/** The request of `replyToComment`. */
export interface ReplyToCommentRequest {
  /** Instagram user token (`IGAA…`) or page token (`EAA…`); sent as `Authorization: Bearer`. */
  accessToken: Secret
  /** Default: `facebook` for a token starting `EAA`, else `instagram`. */
  loginType?: LoginType
  /** Facebook login only: adds `appsecret_proof` to the request. */
  appSecret?: Secret
  /** The comment to answer publicly: ASCII digits. */
  commentId: string
  /**
   * The reply's text; must contain a non-whitespace character. Its maximum length is not
   * documented by Meta and not checked here.
   */
  text: string
}

/** The new reply of `replyToComment`. */
export interface CommentReply {
  /** The id of the reply (a comment id), always a string. */
  id: string
}

/** The request of `hideComment`. */
export interface HideCommentRequest {
  /** Instagram user token (`IGAA…`) or page token (`EAA…`); sent as `Authorization: Bearer`. */
  accessToken: Secret
  /** Default: `facebook` for a token starting `EAA`, else `instagram`. */
  loginType?: LoginType
  /** Facebook login only: adds `appsecret_proof` to the request. */
  appSecret?: Secret
  /** The comment to hide or unhide: ASCII digits. */
  commentId: string
  /** `true` (the default) hides the comment, `false` shows it again. */
  hide?: boolean
}

/** The result of `hideComment`: the state now. */
export interface HideCommentResult {
  commentId: string
  /** `true` when the comment is hidden now. */
  hidden: boolean
}

/** The request of `deleteComment`. */
export interface DeleteCommentRequest {
  /** Instagram user token (`IGAA…`) or page token (`EAA…`); sent as `Authorization: Bearer`. */
  accessToken: Secret
  /** Default: `facebook` for a token starting `EAA`, else `instagram`. */
  loginType?: LoginType
  /** Facebook login only: adds `appsecret_proof` to the request. */
  appSecret?: Secret
  /** The comment to delete (on the account's own media, or its own comment): ASCII digits. */
  commentId: string
}

/** The result of `deleteComment`. */
export interface DeleteCommentResult {
  commentId: string
  /** Always `true`: a delete that was not done rejects. */
  deleted: true
}

/** The request of `getUserProfile`. */
export interface UserProfileRequest {
  /** Instagram user token (`IGAA…`) or page token (`EAA…`); sent as `Authorization: Bearer`. */
  accessToken: Secret
  /** Default: `facebook` for a token starting `EAA`, else `instagram`. */
  loginType?: LoginType
  /** Facebook login only: adds `appsecret_proof` to the request. */
  appSecret?: Secret
  /** The person's Instagram-scoped id (IGSID, the `senderId` of a webhook event): ASCII digits. */
  userId: string
}

/** A person's profile. A field Meta sends as `null` or omits is absent. */
export interface UserProfile {
  /** The IGSID asked for. */
  id: string
  name?: string
  username?: string
  /** The profile picture; the URL expires after a few days: do not store it. */
  profilePicUrl?: string
  followerCount?: number
  /** The person follows the account (`is_user_follow_business`). */
  userFollowsAccount?: boolean
  /** The account follows the person (`is_business_follow_user`). */
  accountFollowsUser?: boolean
}

/** The request of `listConversations`. */
export interface ListConversationsRequest {
  /** Instagram user token (`IGAA…`) or page token (`EAA…`); sent as `Authorization: Bearer`. */
  accessToken: Secret
  /** Default: `facebook` for a token starting `EAA`, else `instagram`. */
  loginType?: LoginType
  /** Facebook login only: adds `appsecret_proof` to the request. */
  appSecret?: Secret
  /** `"me"` (default) or digits: the IG account id (instagram login) or page id (facebook login). */
  accountId?: string
  /** Conversations to return: an integer 1–100, default 25. */
  limit?: number
  /** The `nextCursor` of an earlier call: 1–2048 visible ASCII characters. */
  after?: string
}

/** One side of a conversation. */
export interface Participant {
  /** The IGSID (the account's own id for its side). */
  id: string
  username?: string
}

/** A conversation of the inbox. */
export interface Conversation {
  /** Opaque id, for `getMessages`' `conversationId`. */
  id: string
  /** Epoch ms of the newest message (absent when Meta omits it). */
  updatedAt?: number
  /** Both sides, the account's own included. */
  participants?: Array<Participant>
}

/** The result of `listConversations`. */
export interface ConversationPage {
  /** In Meta's order (most recently active first). */
  conversations: Array<Conversation>
  /** Present exactly when Meta announced a further page: pass it as `after`. */
  nextCursor?: string
}

/** The request of `getMessages`: exactly one of `conversationId` / `userId`. */
export interface GetMessagesRequest {
  /** Instagram user token (`IGAA…`) or page token (`EAA…`); sent as `Authorization: Bearer`. */
  accessToken: Secret
  /** Default: `facebook` for a token starting `EAA`, else `instagram`. */
  loginType?: LoginType
  /** Facebook login only: adds `appsecret_proof` to the request. */
  appSecret?: Secret
  /** `"me"` (default) or digits: the IG account id (instagram login) or page id (facebook login). */
  accountId?: string
  /** The conversation (an id of `listConversations`): 1–512 visible ASCII characters. */
  conversationId?: string
  /** The person (IGSID, ASCII digits): the conversation with them; sets `direction`. */
  userId?: string
  /** Messages to return, newest first: an integer 1–20, default 20. */
  limit?: number
}

/** Who sent a message, seen from the `userId` of the request. */
export type MessageDirection = "incoming" | "outgoing"

/** What an attachment of a past message is. */
export type ConversationAttachmentType = "image" | "video" | "audio" | "file" | "share" | "story" | "unknown"

/** An attachment of a past message. */
export interface ConversationAttachment {
  /**
   * `image_data` → image, `video_data` → video, `audio_data` → audio, `file_url` → file,
   * `shares` → share, `story` (mention or reply) → story, anything else → unknown.
   */
  type: ConversationAttachmentType
  /** The media, share or story URL (never for `unknown`); Meta's media URLs expire. */
  url?: string
}

/** A past message of a conversation. */
export interface ConversationMessage {
  /** The mid, as webhook events carry it. */
  id: string
  /** Epoch ms. */
  createdAt: number
  senderId: string
  senderUsername?: string
  recipientId?: string
  /** Set when `userId` was given: `incoming` = sent by that person. */
  direction?: MessageDirection
  /** Absent for attachment-only messages. */
  text?: string
  attachments?: Array<ConversationAttachment>
}

/** The result of `getMessages`. */
export interface MessageHistory {
  /** The conversation read; absent when `userId` has no conversation with the account. */
  conversationId?: string
  /** Newest first (by `createdAt`; ties in Meta's order), at most `limit`. */
  messages: Array<ConversationMessage>
}

/** The request of `markSeen`. */
export interface MarkSeenRequest {
  /** Instagram user token (`IGAA…`) or page token (`EAA…`); sent as `Authorization: Bearer`. */
  accessToken: Secret
  /** Default: `facebook` for a token starting `EAA`, else `instagram`. */
  loginType?: LoginType
  /** Facebook login only: adds `appsecret_proof` to the request. */
  appSecret?: Secret
  /** `"me"` (default) or digits: the IG account id (instagram login) or page id (facebook login). */
  accountId?: string
  /** The person whose messages are marked as seen (IGSID): ASCII digits. */
  userId: string
}

/** The result of `markSeen`. */
export interface MarkSeenResult {
  /** The IGSID Meta answered for (`recipient_id`). */
  recipientId: string
}

/**
 * The request of `getIceBreakers`, `deleteIceBreakers`, `getPersistentMenu` and
 * `deletePersistentMenu` (`AccountFields`).
 */
export interface MessengerProfileRequest {
  /** Instagram user token (`IGAA…`) or page token (`EAA…`); sent as `Authorization: Bearer`. */
  accessToken: Secret
  /** Default: `facebook` for a token starting `EAA`, else `instagram`. */
  loginType?: LoginType
  /** Facebook login only: adds `appsecret_proof` to the request. */
  appSecret?: Secret
  /** `"me"` (default) or digits: the IG account id (instagram login) or page id (facebook login). */
  accountId?: string
}

/** The result of a set or a delete. */
export interface MessengerProfileResult {
  /** Always `true`: a change that was not made rejects. */
  success: true
}

/** The request of `setIceBreakers`. */
export interface SetIceBreakersRequest {
  /** Instagram user token (`IGAA…`) or page token (`EAA…`); sent as `Authorization: Bearer`. */
  accessToken: Secret
  /** Default: `facebook` for a token starting `EAA`, else `instagram`. */
  loginType?: LoginType
  /** Facebook login only: adds `appsecret_proof` to the request. */
  appSecret?: Secret
  /** `"me"` (default) or digits: the IG account id (instagram login) or page id (facebook login). */
  accountId?: string
  /** The ice breakers of every locale (they replace all there are): exactly one `"default"`. */
  iceBreakers: Array<IceBreakers>
}

/** The ice breakers of one locale. */
export interface IceBreakers {
  /** `"default"` or `ll_CC` (e.g. `"en_GB"`): who sees these questions. */
  locale: string
  /** 1–4 questions. */
  questions: Array<IceBreakerQuestion>
}

/**
 * One ice breaker: a tap sends `question` as the person's message and `payload` in a
 * `postback` webhook event.
 */
export interface IceBreakerQuestion {
  /** Not empty (Meta documents no maximum length). */
  question: string
  /** 1–1000 characters. */
  payload: string
}

/** The request of `setPersistentMenu`. */
export interface SetPersistentMenuRequest {
  /** Instagram user token (`IGAA…`) or page token (`EAA…`); sent as `Authorization: Bearer`. */
  accessToken: Secret
  /** Default: `facebook` for a token starting `EAA`, else `instagram`. */
  loginType?: LoginType
  /** Facebook login only: adds `appsecret_proof` to the request. */
  appSecret?: Secret
  /** `"me"` (default) or digits: the IG account id (instagram login) or page id (facebook login). */
  accountId?: string
  /** The menu of every locale (it replaces the whole menu): exactly one `"default"`. */
  persistentMenu: Array<PersistentMenu>
}

/** The persistent menu of one locale. */
export interface PersistentMenu {
  /** `"default"` or `ll_CC` (e.g. `"en_GB"`): who sees this menu. */
  locale: string
  /** 1–20 items. */
  items: MenuItem[]
}

/** A persistent-menu item: title 1–30 characters; `url` absolute http(s); `payload` 1–1000 characters. */
export type MenuItem =
  | { type: 'web_url'; title: string; url: string }
  | { type: 'postback'; title: string; payload: string }

/**
 * The request of `messagingWindow`. Times are epoch ms, epoch seconds (below 10^11) or RFC 3339;
 * absent, `null` or `''` is unknown.
 */
export interface MessagingWindowRequest {
  /**
   * The person's last message or postback (what opens the window). Do not pass the time of a
   * reaction or a read: whether they open it is unconfirmed.
   */
  lastUserMessageAt?: number | string | null
  /** For a private reply: when the comment was made. */
  commentAt?: number | string | null
}

/** The options of `messagingWindow`. */
export interface MessagingWindowOptions {
  /** Epoch milliseconds that replace the clock. */
  now?: number
  /**
   * Shortens every window by this many milliseconds, so that a send decided just before
   * the limit does not arrive after it. Default 60000; a whole number ≥ 0.
   */
  safetyMarginMs?: number
}

/** Which kind of send is allowed now. */
export type MessagingAllowed = "standard" | "human_agent" | "none"

/** The answer of `messagingWindow`. Times are epoch ms. */
export interface MessagingWindow {
  allowed: MessagingAllowed
  /** `lastUserMessageAt` + 24 h − margin; absent when that time is unknown. */
  standardUntil?: number
  /** `lastUserMessageAt` + 7 days − margin; absent when that time is unknown. */
  humanAgentUntil?: number
  /**
   * Present when `commentAt` is known: whether the 7-day rule allows a private reply now.
   * One private reply per comment is Meta's rule too, which this helper cannot know.
   */
  privateReply?: boolean
  /** `commentAt` + 7 days − margin. */
  privateReplyUntil?: number
}

/** An incoming webhook request, as the web framework received it. */
export interface WebhookRequest {
  /** `'GET'` or `'POST'`, any case. */
  method: string
  /**
   * The query parameters (`hub.mode`, `hub.verify_token`, `hub.challenge`): a plain object
   * (own properties only), a `Map` or a `URLSearchParams`.
   */
  query?: Record<string, string | string[] | undefined> | Map<string, string | string[]> | URLSearchParams
  /**
   * The headers, names in any case (`x-hub-signature-256`): a plain object (own properties
   * only), a `Map` or a fetch `Headers`.
   */
  headers?: Record<string, string | string[] | undefined> | Map<string, string | string[]> | Headers
  /**
   * The RAW body bytes as received (n8n: `this.getRequestObject().rawBody`), never
   * re-serialised JSON: the signature covers the exact bytes. Copied when the call is made
   * (at most `maxBodyBytes + 1` bytes), so the caller may reuse or transfer the buffer at once.
   */
  body?: Buffer | Uint8Array | ArrayBufferView | ArrayBuffer | string
}

/** What the webhook checks need. */
export interface WebhookSecrets {
  /** The verify token entered in Meta's dashboard; required for `GET`. */
  verifyToken?: Secret
  /** App secret(s) for `POST` signatures; any may match (rotation, Instagram vs Meta app secret). */
  appSecret?: OneOrMany
  /** Accept a `POST` without a signature header (local testing only). Default false. */
  allowUnsigned?: boolean
  /** Largest accepted body in bytes. Default 1 MiB (1048576). */
  maxBodyBytes?: number
}

/** `string | string[]`. */
export type OneOrMany = Secret | Array<Secret>

/**
 * The answer to give Meta, and what came with the request. A delivery's events borrow
 * from the request's body.
 *
 * In JavaScript: `'challenge'`, a valid subscription check (answer 200 with `body`, the
 * `hub.challenge`, as `text/plain`); `'events'`, a valid delivery (answer 200 quickly, as
 * Meta retries slow answers, then handle `events`: every item of every entry, in order,
 * and within one entry its `messaging[]`, `standby[]`, then `changes[]` items; `object` is
 * the payload's, `'instagram'` or `'page'`); `'rejected'`, a refused request (answer with
 * `status`; `message` is a short explanation without secrets).
 */
export type WebhookResult =
  | { kind: 'challenge'; status: 200; body: string }
  | { kind: 'events'; status: 200; object: string; events: WebhookEvent[] }
  | { kind: 'rejected'; status: 400 | 401 | 403 | 405 | 413; reason: RejectReason; message: string }

/** Why a webhook request was refused. */
export type RejectReason =
  | 'VERIFY_TOKEN_MISMATCH'
  | 'HANDSHAKE_INVALID'
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_MISMATCH'
  | 'MALFORMED_PAYLOAD'
  | 'PAYLOAD_TOO_LARGE'
  | 'METHOD_NOT_ALLOWED'

/** What kind of update a webhook event is. */
export type WebhookEventType =
  | 'message'
  | 'message_echo'
  | 'message_deleted'
  | 'message_unsupported'
  | 'message_edit'
  | 'postback'
  | 'reaction'
  | 'read'
  | 'referral'
  | 'optin'
  | 'handover'
  | 'comment'
  | 'live_comment'
  | 'mention'
  | 'story_insights'
  | 'unknown'

/** Where a router sends a webhook event: the n8n trigger's outputs, in order. */
export type WebhookRoute =
  | 'message'
  | 'postback'
  | 'story_reply'
  | 'story_mention'
  | 'reaction'
  | 'read'
  | 'comment'
  | 'other'

/** One normalised webhook update. */
export interface WebhookEvent {
  /**
   * 32 lowercase hex digits, stable across Meta's redeliveries of the same item: derived
   * from the entry id, the list the item came in (`messaging`, `standby`, `changes`) and
   * the item's canonical JSON. Dedupe on it.
   */
  id: string
  /** What kind of update this is. */
  type: WebhookEventType
  /** Where a router sends the event: the n8n trigger's output for it (`webhookRoutes`). */
  route: WebhookRoute
  /**
   * 32 lowercase hex digits, equal for Meta's redeliveries of one event even when their
   * bytes differ: comments are keyed by their comment id, messages and echoes by their
   * `mid`, every other event by its `id`. Deduplicate on this.
   */
  dedupeKey: string
  /** `entry[].id`: your own professional account (exact decimal string; `""` if absent). */
  accountId: string
  /**
   * Epoch milliseconds. Messaging items: their `timestamp` (ms), else the entry's `time`;
   * `changes[]` items: the entry's `time` (seconds) × 1000.
   */
  timestamp: number
  /** `sender.id` (IGSID of the user, or your account for an echo). */
  senderId?: string
  /** `recipient.id`. */
  recipientId?: string
  /** True when the item came in `entry[].standby[]` (another app owns the thread). */
  standby: boolean
  /** The `mid` of the message concerned (messages, edits, postbacks, reactions, reads). */
  messageId?: string
  /** The message text (for an edit: the new text). */
  text?: string
  /** The message's attachments, in order. */
  attachments?: Array<WebhookAttachment>
  /** `message.quick_reply.payload`. */
  quickReplyPayload?: string
  /** What the message replies to (a message or a story). */
  replyTo?: WebhookReplyTo
  /** The postback's title and payload. */
  postback?: WebhookPostback
  /** The reaction (present when `action` is `react` or `unreact`). */
  reaction?: WebhookReaction
  /** The referral (top-level `referral`, or one inside a message or postback). */
  referral?: WebhookReferral
  /** The comment of a `comment`, `live_comment` or `mention` event (present when it has an id). */
  comment?: WebhookComment
  /** `changes[].field` for every `changes[]` event. */
  field?: string
  /**
   * The original `messaging[]` / `standby[]` / `changes[]` item, as `JSON.parse` gives it:
   * keys in the body's order; numbers as serde_json reads them (an integer above 2^53 is
   * rounded by JavaScript: the typed id fields above keep it exact).
   */
  raw: unknown
}

/** One attachment of a message. */
export interface WebhookAttachment {
  /**
   * `audio`, `file`, `image`, `share`, `story_mention`, `video`, `ig_reel`, `reel`, … as
   * Meta sent it (`"unknown"` when Meta sent no type).
   */
  type: string
  /** `payload.url` (a CDN URL; Meta's expire). */
  url?: string
  /** `payload.title`. */
  title?: string
  /** `payload.reel_video_id` (reels), else `payload.id`. */
  id?: string
}

/** What a message replies to. */
export interface WebhookReplyTo {
  /** `reply_to.mid`: the message replied to. */
  messageId?: string
  /** `reply_to.story.id`: the story replied to. */
  storyId?: string
  /** `reply_to.story.url`. */
  storyUrl?: string
}

/** A postback button tap. */
export interface WebhookPostback {
  /** The button's title. */
  title?: string
  /** The button's payload, as the sender set it. */
  payload?: string
}

/** A reaction to a message. */
export interface WebhookReaction {
  /** Added or removed. */
  action: 'react' | 'unreact'
  /** The reaction's name (`love`, `other`, …). */
  reaction?: string
  /** The emoji itself. */
  emoji?: string
}

/** How the user came into the conversation. */
export interface WebhookReferral {
  /** The `ref` parameter of the link. */
  ref?: string
  /** `ADS`, `SHORTLINK`, … */
  source?: string
  /** `OPEN_THREAD`, … */
  type?: string
  /** `ad_id` for a click-to-message ad. */
  adId?: string
}

/** A comment (or the comment of a mention). */
export interface WebhookComment {
  /** `value.id` (Instagram login) or `value.comment_id` (Facebook login, mentions). */
  id: string
  /** The comment's text. */
  text?: string
  /** `value.from.id`: the commenter. */
  fromId?: string
  /** `value.from.username`. */
  fromUsername?: string
  /** `value.media.id` (or `value.media_id` for mentions). */
  mediaId?: string
  /** `value.media.media_product_type` (`FEED`, `REELS`, `AD`, …). */
  mediaProductType?: string
  /** `value.parent_id`: the comment this one replies to. */
  parentId?: string
}

/** Every `code` an error of this package can carry, frozen. */
export declare const errorCodes: readonly ErrorCode[]
/** Every `reason` of a refused webhook request, frozen. */
export declare const rejectReasons: readonly RejectReason[]
/** Every `type` a webhook event can have, frozen. */
export declare const webhookEventTypes: readonly WebhookEventType[]
/** Every `route` of a webhook event, in the order of the trigger's outputs, frozen. */
export declare const webhookRoutes: readonly WebhookRoute[]

/**
 * Which binding artifact the generated loader actually loaded: `'native'` for
 * a native addon, otherwise the `platformArchABI` of the WASI flavor. Every
 * flavor napi-rs can build is listed, because `NAPI_RS_NATIVE_LIBRARY_PATH`
 * can point the loader at a WASI artifact this package does not build itself.
 */
export declare const __napiBindingTarget: 'native' | 'wasm32-wasi' | 'wasm32-wasip1'

/**
 * Deletes a comment on the account's own media (or its own comment):
 * `DELETE /{apiVersion}/{commentId}`. A write: not retried after a timeout or a bare 5xx.
 */
export declare function deleteComment(req: DeleteCommentRequest, options?: CallOptions): Promise<DeleteCommentResult>

/**
 * Removes the ice breakers of every locale: `DELETE /{apiVersion}/{accountId}/messenger_profile`
 * with `{"fields": ["ice_breakers"]}`. Idempotent: retried like the account calls.
 */
export declare function deleteIceBreakers(req: MessengerProfileRequest, options?: CallOptions): Promise<MessengerProfileResult>

/**
 * Removes the persistent menu of every locale: `DELETE /{apiVersion}/{accountId}/messenger_profile`
 * with `{"fields": ["persistent_menu"]}`. Idempotent: retried like the account calls.
 */
export declare function deletePersistentMenu(req: MessengerProfileRequest, options?: CallOptions): Promise<MessengerProfileResult>

/**
 * Exchanges a short-lived OAuth token for a long-lived one (about 60 days).
 *
 * Instagram login: `GET {instagramUrl}/access_token?grant_type=ig_exchange_token`;
 * Facebook login: `GET {facebookUrl}/{apiVersion}/oauth/access_token?grant_type=fb_exchange_token`.
 */
export declare function exchangeToken(req: ExchangeTokenRequest, options?: CallOptions): Promise<TokenGrant>

/**
 * The Instagram account(s) a token reaches. Instagram login: `GET /me` → one account.
 * Facebook login: `GET /me/accounts` → one per page with a linked Instagram account,
 * following `paging.next`.
 */
export declare function getAccount(req: GetAccountRequest, options?: CallOptions): Promise<InstagramAccount[]>

/**
 * The ice breakers of every locale (`[]` when none are set):
 * `GET /{apiVersion}/{accountId}/messenger_profile?fields=ice_breakers`.
 */
export declare function getIceBreakers(req: MessengerProfileRequest, options?: CallOptions): Promise<IceBreakers[]>

/**
 * The newest messages of a conversation (by `conversationId`, or with the person `userId`),
 * newest first: `GET /{apiVersion}/{conversationId}?fields=messages.limit(n){…}` (1–22 requests).
 */
export declare function getMessages(req: GetMessagesRequest, options?: CallOptions): Promise<MessageHistory>

/**
 * The persistent menu of every locale (`[]` when none is set):
 * `GET /{apiVersion}/{accountId}/messenger_profile?fields=persistent_menu`.
 */
export declare function getPersistentMenu(req: MessengerProfileRequest, options?: CallOptions): Promise<PersistentMenu[]>

/**
 * The profile of a person who messaged the account: `GET /{apiVersion}/{userId}?fields=…`.
 * Without the person's consent Meta answers an error (`PERMISSION_DENIED` in the mock).
 */
export declare function getUserProfile(req: UserProfileRequest, options?: CallOptions): Promise<UserProfile>

/**
 * Hides a comment (`hide` default `true`) or shows it again (`hide: false`):
 * `POST /{apiVersion}/{commentId}`. Idempotent: retried like the account calls.
 */
export declare function hideComment(req: HideCommentRequest, options?: CallOptions): Promise<HideCommentResult>

/**
 * The inbox, most recently active first: `GET /{apiVersion}/{accountId}/conversations`,
 * following Meta's cursors (at most 5 requests) until `limit`; `nextCursor` continues it.
 */
export declare function listConversations(req: ListConversationsRequest, options?: CallOptions): Promise<ConversationPage>

/**
 * Marks the person's messages as seen: exactly `sendMessage` with `recipient: { id: userId }`
 * and `senderAction: 'mark_seen'` (a write: not retried after a timeout or a bare 5xx; in
 * the recipient's line like `sendMessage`).
 */
export declare function markSeen(req: MarkSeenRequest, options?: CallOptions): Promise<MarkSeenResult>

/**
 * Which sends Meta allows now, from the time of the person's last message (and of a comment,
 * for a private reply): `standard` (24 h), `human_agent` (7 days, `HUMAN_AGENT` tag only) or
 * `none`. Synchronous, no network. Throws `INVALID_ARGUMENT` for a time that is not one.
 */
export declare function messagingWindow(req: MessagingWindowRequest, options?: MessagingWindowOptions): MessagingWindow

/**
 * The n8n credential hook: exchanges a new OAuth token, refreshes a token that is inside
 * its refresh window, keeps a valid token when a refresh fails, and returns the fields to
 * persist. Concurrent calls for the same token share one network request.
 *
 * Rejects with `TOKEN_EXPIRED` (reconnect the credential) when the stored token has
 * expired, and with `INVALID_ARGUMENT` when there is no token at all.
 */
export declare function preAuthenticate(credentials: CredentialState, options?: CallOptions & TokenPolicy): Promise<PreAuthResult>

/**
 * Refreshes a long-lived Instagram-login token: `GET {instagramUrl}/refresh_access_token`.
 * The token must be at least 24 h old and not expired. A Facebook-login token (`EAA…`) is
 * `INVALID_ARGUMENT`: re-exchange it, or use a page token, which does not expire.
 */
export declare function refreshToken(req: RefreshTokenRequest, options?: CallOptions): Promise<TokenGrant>

/**
 * Answers a comment publicly: `POST /{apiVersion}/{commentId}/replies`. Never sent twice (a
 * timeout or a connection lost after the request was written is not retried: the reply may
 * have been posted).
 */
export declare function replyToComment(req: ReplyToCommentRequest, options?: CallOptions): Promise<CommentReply>

/**
 * Sends a message, a sender action or a reaction. Checked before any network call (each
 * mistake an `INVALID_ARGUMENT` naming the field, e.g. `message.quickReplies[13]`), then
 * `POST /{apiVersion}/{accountId}/messages`. Never sent twice: a timeout or a connection
 * lost after the request was written is not retried (`TIMEOUT` / `NETWORK`; the message
 * may have been delivered). Paced (unless `pacing: false`): sends to one recipient start in
 * call order, each after the previous one settled.
 */
export declare function sendMessage(req: SendRequest, options?: CallOptions): Promise<SendResult>

/**
 * Sets the ice breakers (up to 4 questions a person can tap to start a conversation) of every
 * locale, replacing all there are: `POST /{apiVersion}/{accountId}/messenger_profile`. Exactly one
 * `"default"` locale. Idempotent: retried like the account calls. Not shown on desktop.
 */
export declare function setIceBreakers(req: SetIceBreakersRequest, options?: CallOptions): Promise<MessengerProfileResult>

/**
 * Sets the persistent menu (1–20 postback or web_url items) of every locale, replacing the whole
 * menu: `POST /{apiVersion}/{accountId}/messenger_profile`. Exactly one `"default"` locale.
 * Idempotent: retried like the account calls. Not shown on desktop.
 */
export declare function setPersistentMenu(req: SetPersistentMenuRequest, options?: CallOptions): Promise<MessengerProfileResult>

/**
 * The decision `preAuthenticate` would carry out, synchronously and without network.
 * Throws `INVALID_ARGUMENT` when there is no token at all.
 */
export declare function tokenStatus(credentials: CredentialState, options?: CallOptions & TokenPolicy): TokenStatus

/** `verifyWebhookSync` off the JavaScript thread: the same checks and the same results. */
export declare function verifyWebhook(request: WebhookRequest, secrets: WebhookSecrets): Promise<WebhookResult>

/**
 * Checks a webhook request from Meta: the `GET` subscription handshake (answers the
 * challenge) or a `POST` delivery (signature over the raw body, then every event
 * normalised). Expected outcomes are values: a forged or malformed request comes back as
 * `{ kind: 'rejected', status, reason }`. Throws `INVALID_ARGUMENT` only for a caller's
 * mistake (no `verifyToken` for a GET, no `appSecret` for a POST, a parsed body).
 */
export declare function verifyWebhookSync(request: WebhookRequest, secrets: WebhookSecrets): WebhookResult
