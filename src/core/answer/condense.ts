import type { ChatMessage, ChatModel } from '../models.js'
import type { PromptTemplate } from './prompt-library.js'

/**
 * Multi-turn: "and in 2019?" means nothing to a retriever, so the last message is rewritten into a
 * standalone question with the conversation. With no chat model the earlier user turns are prepended
 * instead, which keeps their company and period terms in the retrieval query.
 */
const MAX_HISTORY_MESSAGES = 8
const MAX_MESSAGE_CHARS = 1500

export async function condenseQuestion(
  question: string,
  history: readonly ChatMessage[],
  chat: ChatModel | undefined,
  prompt: PromptTemplate,
  signal?: AbortSignal,
): Promise<string> {
  const turns = history.filter((m) => m.role !== 'system').slice(-MAX_HISTORY_MESSAGES)
  if (turns.length === 0) return question
  if (chat === undefined) {
    const earlier = turns
      .filter((m) => m.role === 'user')
      .slice(-2)
      .map((m) => m.content.slice(0, MAX_MESSAGE_CHARS))
    return [...earlier, question].join(' ')
  }
  const conversation = turns.map((m) => `${m.role}: ${m.content.slice(0, MAX_MESSAGE_CHARS).replace(/\s+/g, ' ')}`).join('\n')
  const res = await chat.complete({
    messages: prompt.render({ history: conversation, question }),
    temperature: 0,
    maxTokens: 200,
    ...(signal === undefined ? {} : { signal }),
  })
  const line = res.text.trim().split('\n')[0]?.trim() ?? ''
  return line.length > 0 ? line : question
}
