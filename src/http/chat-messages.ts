import { Type, type Static } from '@sinclair/typebox'
import type { ChatMessage } from '../core/models.js'
import { AppError } from '../errors.js'
import { MAX_QUESTION_CHARS } from './answer-schemas.js'

/**
 * The chat message schema and how a chat frontend's request becomes ragtune's question: content may
 * be a string or an array of parts (the `openai` SDK and LangChain send `[{type:"text",text}]`); text
 * parts are joined, anything else is refused, since answers come from documents and only text is read.
 */
/** Text of a whole message is bounded too: a frontend resends earlier answers, which may be long. */
const MAX_MESSAGE_CHARS = 8 * MAX_QUESTION_CHARS
const MAX_PARTS = 64

/**
 * `content` is checked here rather than by a schema union: with type coercion on, a validator trying
 * the string branch turns the one-item array the SDK sends into its item, and every branch fails.
 */
export const ChatMessageSchema = Type.Object({
  role: Type.String({ minLength: 1 }),
  content: Type.Unknown({ description: 'a string, null, or an array of parts `{type:"text", text}` (other part types are refused)' }),
})
export type ChatMessageBody = Static<typeof ChatMessageSchema>

/** What a chat request asks of ragtune. */
export type ChatRequest =
  | { readonly kind: 'question'; readonly question: string; readonly history: ChatMessage[]; readonly instructions: string | undefined }
  /** a frontend's housekeeping task: relayed to the model as sent, no retrieval, no sources */
  | { readonly kind: 'task'; readonly messages: ChatMessage[] }

/**
 * Frontend tasks written as prompts: Open WebUI's start with "### Task:" (title, tags, follow-ups,
 * queries); others ask to "generate a concise title for the conversation" or "suggest follow-up
 * questions" about the chat history.
 */
const TASK_SHAPES = [
  /^\s*#{2,4}\s*task\s*:/im,
  /<chat_history>/i,
  /\b(?:generate|create|write|suggest|provide)\b[^\n]{0,80}\b(?:title|tags?|follow[- ]?up (?:questions|prompts|suggestions)|search quer(?:y|ies)|emoji)\b[^\n]{0,120}\b(?:conversation|chat|dialog(?:ue)?|messages?)\b/i,
]

export function looksLikeTask(text: string): boolean {
  const head = text.slice(0, 600)
  return TASK_SHAPES.some((re) => re.test(head))
}

function textOf(m: ChatMessageBody, index: number): string {
  const content = m.content
  if (content === null || content === undefined) return ''
  if (typeof content === 'string') {
    if (content.length > MAX_MESSAGE_CHARS)
      throw new AppError('message_too_long', `messages[${index}] is longer than ${MAX_MESSAGE_CHARS} characters; shorten it`)
    return content
  }
  if (!Array.isArray(content) || content.length > MAX_PARTS) {
    throw new AppError(
      'invalid_request',
      `messages[${index}].content must be a string, null, or an array of at most ${MAX_PARTS} parts like {"type":"text","text":"…"}`,
    )
  }
  const texts: string[] = []
  for (const part of content as unknown[]) {
    const type = typeof part === 'object' && part !== null && 'type' in part ? String(part.type) : undefined
    const text = typeof part === 'object' && part !== null && 'text' in part ? part.text : undefined
    if (type !== 'text' && type !== 'input_text') {
      throw new AppError(
        'unsupported_content',
        `messages[${index}] has a "${type ?? 'untyped'}" part: ragtune answers from its documents and reads text only; send the message as text parts`,
      )
    }
    if (typeof text !== 'string') throw new AppError('invalid_request', `messages[${index}] has a text part without a "text" string`)
    texts.push(text)
  }
  const joined = texts.join('\n')
  if (joined.length > MAX_MESSAGE_CHARS)
    throw new AppError('message_too_long', `messages[${index}] is longer than ${MAX_MESSAGE_CHARS} characters; shorten it`)
  return joined
}

/**
 * The last user message is the question, earlier user and assistant turns are history, system and
 * developer messages are the client's instructions. `task` says the request is a housekeeping task
 * (an explicit header or metadata value, or its shape).
 */
export function readChatRequest(messages: readonly ChatMessageBody[], task: boolean): ChatRequest {
  const turns: ChatMessage[] = []
  const instructions: string[] = []
  const all: ChatMessage[] = []
  messages.forEach((m, i) => {
    const content = textOf(m, i)
    if (m.role === 'system' || m.role === 'developer') {
      if (content.length > MAX_QUESTION_CHARS) throw tooLong(i, m.role)
      instructions.push(content)
      all.push({ role: 'system', content })
    } else if (m.role === 'user' || m.role === 'assistant') {
      turns.push({ role: m.role, content })
      all.push({ role: m.role, content })
    }
  })
  const last = turns.at(-1)
  if (last?.role !== 'user' || last.content.trim() === '') {
    throw new AppError('invalid_request', 'the last message must be a non-empty user message: it is the question to answer')
  }
  if (task || looksLikeTask(last.content)) return { kind: 'task', messages: all }
  if (last.content.length > MAX_QUESTION_CHARS) throw tooLong(messages.length - 1, 'user')
  const joined = instructions.join('\n\n').trim()
  return { kind: 'question', question: last.content, history: turns.slice(0, -1), instructions: joined === '' ? undefined : joined }
}

function tooLong(index: number, role: string): AppError {
  return new AppError(
    'message_too_long',
    `messages[${index}] (${role}) is longer than ${MAX_QUESTION_CHARS} characters, the limit for a question (as on /v1/ask); shorten it`,
  )
}
