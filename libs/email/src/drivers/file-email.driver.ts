import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { DkimKey, DkimSigner } from './dkim-signer';
import { composeEmail } from './email-composer';
import { EmailDriver, EmailSendError, EmailSendResult, OutgoingEmail } from './email.driver';

/**
 * Development: each message is written as `<Message-ID>.eml` under the directory, exactly as it would
 * go over SMTP (open it with any mail client). A retry overwrites the same file.
 */
export class FileEmailDriver extends EmailDriver {
  readonly concurrency = 4;
  private readonly logger = new Logger('Email');
  private ready?: Promise<unknown>;
  private readonly dkim: DkimSigner | null;

  constructor(
    private readonly dir: string,
    dkim: DkimKey | null = null,
  ) {
    super();
    this.dkim = dkim ? new DkimSigner(dkim) : null;
  }

  async send(message: OutgoingEmail): Promise<EmailSendResult> {
    const composed = await composeEmail(message);
    const raw = this.dkim ? await this.dkim.sign(composed) : composed;
    const file = path.join(this.dir, `${fileName(message.messageId)}.eml`);
    try {
      this.ready ??= fs
        .mkdir(this.dir, { recursive: true })
        .then(() => this.logger.log(`Writing emails to ${this.dir}`));
      await this.ready;
      await fs.writeFile(file, raw);
    } catch (e) {
      this.ready = undefined;
      throw new EmailSendError(`Could not write ${file}: ${(e as Error).message}`, 'transient');
    }
    return { messageId: message.messageId, response: `written to ${file}` };
  }
}

function fileName(messageId: string): string {
  return messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._@-]/g, '_');
}
