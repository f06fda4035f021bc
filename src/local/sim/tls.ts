import { generate } from "selfsigned";

/** A certificate and key for the simulator's HTTPS server. */
export interface SimCertificate {
  cert: string;
  key: string;
}

/** Makes a self-signed certificate, valid for a day, for `host`, localhost and 127.0.0.1; it is its own CA. */
export async function makeCertificate(host: string): Promise<SimCertificate> {
  const isIp = /^[0-9.]+$/.test(host) || host.includes(":");
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: "localhost" },
    { type: 7, ip: "127.0.0.1" },
    isIp ? { type: 7, ip: host } : { type: 2, value: host },
  ];
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: "commonName", value: "pns-sim" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 24 * 3600_000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
