/**
 * The likely cause of a request that got no HTTP answer, from the error undici (or Node's net
 * and tls) gave, in the words a newcomer needs: what to check and where.
 */
export function networkHint(code: string | undefined, message: string, url: URL): string | undefined {
  const text = `${code ?? ""} ${message}`;
  if (code === "ECONNREFUSED")
    return `nothing listens on ${url.host}: is the collector running? (inferlog-collector serve)`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `the host name ${url.hostname} does not resolve`;
  if (/SSL|TLS|EPROTO|wrong version number/i.test(text))
    return url.protocol === "https:"
      ? `https:// to a port that speaks plain http? Try http://${url.host}${url.pathname}`
      : "the TLS handshake failed";
  if (/CERT|self.signed|unable to verify/i.test(text))
    return "the collector's certificate is not trusted here (NODE_EXTRA_CA_CERTS names extra CAs)";
  if (/other side closed|ECONNRESET|socket hang up|UND_ERR_SOCKET/i.test(text))
    return url.protocol === "http:"
      ? "the server closed the connection: http:// to a port that speaks https? Or a proxy in between"
      : "the server closed the connection (a proxy in between?)";
  if (/TIMEOUT|timed out/i.test(text)) return "the collector did not answer in time";
  return undefined;
}
