import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InjectConfig, type AppConfig } from '@beacon/core';
import { labelFor } from '@beacon/web';
import { emailFurniture } from './email-furniture';
import type { EmailAttachments } from './attachments/message-attachment.service';
import type { Branding, MessageSender } from './message-content';

/** What every rendering of one message shares: the NPU's name, the sender, the force's branding (read once per message, not per recipient). */
export interface MessageContext {
  npuName: string | null;
  sender: MessageSender | null;
  branding: Branding;
  /** The e-mail's images and files, encoded once per send job (SendJob, e-mail only); absent elsewhere. */
  attachments?: EmailAttachments | null;
  /** The web version's link by language, signed once per send job (it names the message only); absent elsewhere. */
  webUrls?: Map<string, string>;
}

/** Reads a message's context for rendering (e-mails, previews, the web version). */
@Injectable()
export class MessageContextService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  branding(): Branding {
    const b = this.config.branding;
    return { forceName: b.forceName, colour: b.colour, logoUrl: b.logoPath ? `${this.config.http.publicUrl}/m/logo` : undefined };
  }

  async forMessage(m: { id: string; npuCode: string | null }): Promise<MessageContext> {
    // The team is the message's NPU, else the author's own (a force-wide author: the force).
    const [row] = await this.db.query<{ name: string; role: string; npuName: string | null; authorNpu: string | null }[]>(
      `SELECT s.name, s.role, mn.name AS "npuName", an.name AS "authorNpu"
         FROM message m JOIN staff s ON s.id = m.author_id
         LEFT JOIN npu mn ON mn.code = m.npu_code
         LEFT JOIN npu an ON an.code = s.npu_code
        WHERE m.id = $1`,
      [m.id],
    );
    const team = row?.npuName ?? row?.authorNpu;
    const english = emailFurniture('en');
    return {
      npuName: row?.npuName ?? null,
      // English here (the web version's words, the catalogue's `email.team`); an e-mail in another language words it from the codes.
      sender: row ? { name: row.name, role: row.role, roleText: labelFor('role', row.role), teamNpu: team ?? null, team: team ? english.team(team) : english.forceTeam(this.config.branding.forceName) } : null,
      branding: this.branding(),
    };
  }
}
