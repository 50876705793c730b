import { Body, Controller, Header, Headers, HttpCode, HttpException, HttpStatus, Post } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { isValidTwilioSignature } from '@beacon/channels';
import { forbidden, InjectConfig, Public, WebhookReceipts, type AppConfig } from '@beacon/core';
import { SmsInboundService } from './sms-inbound.service';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * Twilio's incoming-message webhook: replies and STOP/START. Signature required. Twilio signs
 * no timestamp, so a captured request stays valid: each signed request is processed once
 * (`WebhookReceipts`, keyed by the signature, which covers every parameter). A copy already
 * processed gets the same 200 empty TwiML and changes nothing (a 4xx would show as an error in
 * Twilio's console and, with retries configured, be sent again); a copy arriving while the first
 * is still running gets 503, so a retry after a failure is never lost.
 */
@Controller('webhooks/twilio')
export class TwilioInboundController {
  constructor(
    private readonly inbound: SmsInboundService,
    private readonly receipts: WebhookReceipts,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('inbound')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  @ApiExcludeEndpoint()
  async receive(@Headers('x-twilio-signature') signature: string | undefined, @Body() body: Record<string, unknown>): Promise<string> {
    const token = this.config.sms.authToken;
    const url = `${this.config.http.publicUrl}/webhooks/twilio/inbound`;
    if (!token || !isValidTwilioSignature(token, signature, url, body ?? {})) throw forbidden('Invalid Twilio signature');
    const sid = str(body.MessageSid);
    // Same answer whoever sent it: the webhook never reveals which numbers are known.
    const once = await this.receipts.once('twilio-inbound', signature ?? '', () =>
      this.inbound.receive({ from: str(body.From), body: str(body.Body), messageSid: /^(SM|MM)[0-9a-f]{32}$/.test(sid) ? sid : undefined }),
    );
    if (once.outcome === 'in_flight') throw new HttpException('The same request is being processed; try again shortly', HttpStatus.SERVICE_UNAVAILABLE);
    return EMPTY_TWIML;
  }
}
