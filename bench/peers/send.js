'use strict'
// The pure-JS peers of sendMessage for a text message: what an n8n node would otherwise do.
// Each builds Meta's wire body ({recipient, messaging_type, message}), POSTs it to
// {base}/{version}/{accountId}/messages with the token as `Authorization: Bearer`, with a
// timeout, and maps Meta's answer to { recipientId, messageId } (a non-2xx answer throws).
// Both use keep-alive connection pools sized for the concurrency, as a careful user would.

const http = require('node:http')
const axios = require('axios')
const undici = require('undici')

const API_VERSION = 'v24.0'

function wireBody(req) {
  return JSON.stringify({ recipient: { id: req.recipient.id }, messaging_type: 'RESPONSE', message: { text: req.message.text } })
}

function toResult(data) {
  const out = { recipientId: String(data.recipient_id) }
  if (data.message_id !== undefined) out.messageId = data.message_id
  return out
}

/** axios, as n8n's request helpers use it: one instance with a keep-alive agent. */
function makeAxiosSender({ baseUrl, maxSockets = 256, timeoutMs = 30000 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets })
  const client = axios.create({ baseURL: baseUrl, httpAgent: agent, timeout: timeoutMs })
  return {
    name: 'axios',
    async send(req) {
      const res = await client.post(`/${API_VERSION}/${req.accountId ?? 'me'}/messages`, wireBody(req), {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${req.accessToken}` },
      })
      return toResult(res.data)
    },
    close() {
      agent.destroy()
    },
  }
}

/** fetch (undici's, the implementation behind Node's global fetch) with a keep-alive Agent. */
function makeFetchSender({ baseUrl, connections = 256, timeoutMs = 30000 }) {
  const dispatcher = new undici.Agent({ connections, keepAliveTimeout: 10000, pipelining: 1 })
  return {
    name: 'fetch',
    async send(req) {
      const res = await undici.fetch(`${baseUrl}/${API_VERSION}/${req.accountId ?? 'me'}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${req.accessToken}` },
        body: wireBody(req),
        dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      })
      const data = await res.json()
      if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { httpStatus: res.status, body: data })
      return toResult(data)
    },
    close() {
      return dispatcher.close()
    },
  }
}

/** undici.request, the lowest-overhead Node client (for reference, not a target). */
function makeUndiciSender({ baseUrl, connections = 256, timeoutMs = 30000 }) {
  const dispatcher = new undici.Agent({ connections, keepAliveTimeout: 10000, pipelining: 1 })
  return {
    name: 'undici.request',
    async send(req) {
      const res = await undici.request(`${baseUrl}/${API_VERSION}/${req.accountId ?? 'me'}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${req.accessToken}` },
        body: wireBody(req),
        dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      const data = await res.body.json()
      if (res.statusCode >= 300) throw Object.assign(new Error(`HTTP ${res.statusCode}`), { httpStatus: res.statusCode, body: data })
      return toResult(data)
    },
    close() {
      return dispatcher.close()
    },
  }
}

module.exports = { makeAxiosSender, makeFetchSender, makeUndiciSender, wireBody }
