import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SmsDriver, SmsMessage, SmsSendResult } from './sms-driver';

/**
 * Development: every message is one JSON line appended to SMS_LOG_FILE, so the whole engine runs with
 * no provider account. The id looks like Twilio's so that the rest of the flow is the same.
 */
export class LogSmsDriver extends SmsDriver {
  readonly sender = 'log';
  private ready?: Promise<unknown>;

  constructor(private readonly file: string) {
    super();
  }

  async send(message: SmsMessage): Promise<SmsSendResult> {
    this.ready ??= fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    await this.ready;
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const line = { at: new Date().toISOString(), sid, to: message.to, body: message.body };
    // One write per line with O_APPEND: concurrent sends never interleave within a line.
    await fs.promises.appendFile(this.file, JSON.stringify(line) + '\n', 'utf8');
    return { sid, status: 'sent' };
  }
}
