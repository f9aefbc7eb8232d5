import { generate } from 'selfsigned';

export interface TlsKeyPair {
  /** PEM private key */
  key: string;
  /** PEM certificate; it is self-signed, so it is also the CA a client must trust */
  cert: string;
}

export interface LocalCertificateOptions {
  /** Years of validity from now (fractions allowed); default 1 */
  validityYears?: number;
  /** Extra DNS names besides localhost */
  dnsNames?: string[];
  /** Extra IP addresses besides 127.0.0.1 and ::1 */
  ipAddresses?: string[];
}

/**
 * A self-signed certificate for localhost, 127.0.0.1 and ::1, usable as both the server certificate and
 * the trust anchor (`ca`) of a client. EC P-256 keeps start-up fast (an RSA key takes noticeably longer).
 */
export async function generateLocalCertificate(options: LocalCertificateOptions = {}): Promise<TlsKeyPair> {
  const validityYears = options.validityYears ?? 1;
  // Backdated one day so that a client whose clock is slightly behind still accepts it.
  const notBeforeDate = new Date(Date.now() - 24 * 3600 * 1000);
  const notAfterDate = new Date(notBeforeDate.getTime() + Math.round(validityYears * 365.25 * 24 * 3600 * 1000));
  const dnsNames = ['localhost', ...(options.dnsNames ?? [])];
  const ipAddresses = ['127.0.0.1', '::1', ...(options.ipAddresses ?? [])];
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...dnsNames.map((value) => ({ type: 2 as const, value })), ...ipAddresses.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
