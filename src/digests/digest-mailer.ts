import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { Settings, SETTINGS } from '../config/settings';

export interface DigestMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  images: { cid: string; png: Buffer; name: string }[];
}

/** How one delivery ended, in words the workspace may see on its runs. */
export type MailOutcome = { status: 'sent' } | { status: 'refused' | 'failed' | 'skipped'; error: string };

/**
 * SMTP through nodemailer, to the operator's relay (SMTP_URL). One message per recipient, so one
 * refused address is marked on its own and nobody sees the others' addresses. A 5xx answer is
 * the server refusing the address or the message: it will refuse it again, so it is final; other
 * failures (4xx, connection, timeout) are worth a retry.
 */
@Injectable()
export class DigestMailer implements OnApplicationShutdown {
  private transport: Transporter | null = null;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {}

  get configured(): boolean {
    return this.settings.digest.smtpUrl !== null;
  }

  async send(mail: DigestMail): Promise<MailOutcome> {
    if (!this.settings.digest.smtpUrl) return { status: 'skipped', error: 'not sent: SMTP_URL is not set' };
    this.transport ??= createTransport(this.settings.digest.smtpUrl);
    try {
      await this.transport.sendMail({
        from: this.settings.digest.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: mail.images.map((i) => ({ cid: i.cid, content: i.png, filename: i.name, contentType: 'image/png' })),
      });
      return { status: 'sent' };
    } catch (err) {
      const e = err as { responseCode?: number; response?: string; message?: string };
      const answer = (e.response ?? e.message ?? 'unknown error').slice(0, 300);
      if (e.responseCode && e.responseCode >= 500 && e.responseCode < 600) return { status: 'refused', error: `refused: ${answer}` };
      return { status: 'failed', error: `failed: ${answer}` };
    }
  }

  onApplicationShutdown() {
    this.transport?.close();
  }
}
