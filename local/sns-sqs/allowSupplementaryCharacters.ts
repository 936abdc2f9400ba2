/**
 * SQS accepts message bodies made of #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF.
 * fauxqs 2.4.1 checks bodies with `/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/` — a RegExp without the
 * `u` flag, so it sees UTF-16 surrogates instead of characters and refuses every character above
 * U+FFFF (emoji, many CJK, historic scripts) as InvalidMessageContents. In the local cell that made
 * the EventBridge emulator dead-letter valid invoice events with such a vendor name (the API had
 * answered 202), and it would make a redrive of them fail: a loss that does not exist on AWS.
 *
 * fauxqs does not export the check, so the shared RegExp instance its SendMessage, SendMessageBatch
 * and programmatic send use is given a `test` with the SQS rule. Idempotent; remove it once fauxqs
 * checks by code point (the fault-injection suite fails again if the bug comes back unpatched).
 */
const SQS_INVALID_BODY_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export async function allowSupplementaryCharacters(): Promise<void> {
  const typesUrl = new URL('sqs/sqsTypes.js', import.meta.resolve('fauxqs'));
  const types = (await import(typesUrl.href)) as { INVALID_MESSAGE_BODY_CHAR?: RegExp };
  const check = types.INVALID_MESSAGE_BODY_CHAR;
  if (!(check instanceof RegExp)) throw new Error(`fauxqs changed: no INVALID_MESSAGE_BODY_CHAR in ${typesUrl.href}`);
  check.test = (text: string) => SQS_INVALID_BODY_CHARACTER.test(text);
}
