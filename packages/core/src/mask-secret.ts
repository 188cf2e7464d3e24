/**
 * Hides a credential in text that may reach logs or `onError` (a proxy or collector that echoes
 * request headers back in an error body). Keeps a short prefix so a user can tell which key it was.
 */
export function maskSecret(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join(`${secret.slice(0, 6)}…`) : text;
}
