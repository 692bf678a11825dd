/**
 * Input quoted in a one-line message, kept short: the first `max` characters
 * and how many were left out. The message stays readable whatever the input
 * (a 100 KB --set value, a 4 MiB profile name), and the reason after the
 * quote is never pushed out of view.
 */
export function abbreviate(text: string, max = 120): string {
  if (text.length <= max) return text;
  // Do not split a surrogate pair.
  const cut = text.charCodeAt(max - 1) >= 0xd800 && text.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
  return `${text.slice(0, cut)}… (${text.length - cut} more characters)`;
}
