import { describe, expect, it } from '@jest/globals';
import { renderEmail, renderSms, smsSegments, smsUnits, textToHtml } from './message-content';

describe('message content', () => {
  it('escapes HTML and links only http(s) URLs', () => {
    expect(textToHtml('<b>Hi</b> & see https://west-midlands.police.uk/news.\n\nNext para javascript:alert(1)')).toBe(
      '<p>&lt;b&gt;Hi&lt;/b&gt; &amp; see <a href="https://west-midlands.police.uk/news">https://west-midlands.police.uk/news</a>.</p>\n<p>Next para javascript:alert(1)</p>',
    );
  });

  it('never lets a title or body inject markup into the e-mail', () => {
    const mail = renderEmail(
      { title: '<script>x</script>', body: '"><img src=x onerror=alert(1)>' },
      { ratingUrl: 'https://b.test/r/1', manageUrl: 'https://b.test/me', unsubscribeUrl: 'https://b.test/u/1' },
    );
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(mail.html).toContain('href="https://b.test/r/1?score=6"');
    expect(mail.text).toContain('Unsubscribe: https://b.test/u/1');
  });

  it('counts GSM and UCS-2 segments', () => {
    expect(smsSegments('a'.repeat(160))).toBe(1);
    expect(smsSegments('a'.repeat(161))).toBe(2);
    expect(smsSegments('€'.repeat(80))).toBe(1);
    expect(smsSegments('€'.repeat(81))).toBe(2);
    expect(smsSegments('ł'.repeat(70))).toBe(1);
    expect(smsSegments('ł'.repeat(71))).toBe(2);
  });

  it('shortens long SMS to the segment budget, keeping the rating link whole', () => {
    const sms = renderSms({ title: 'Burglary alert', body: 'Lock your doors. '.repeat(100) }, 'https://b.test/r/abc.def.0123456789abcdef');
    expect(smsSegments(sms)).toBeLessThanOrEqual(3);
    expect(sms).toContain('...\nRate 1-6 or reply: https://b.test/r/abc.def.0123456789abcdef\nReply MANAGE for settings or STOP to opt out');
    const short = renderSms({ title: 'Hi', body: 'Meeting tonight' }, 'https://b.test/r/x');
    expect(short).toBe('Hi: Meeting tonight\nRate 1-6 or reply: https://b.test/r/x\nReply MANAGE for settings or STOP to opt out');
    // Every text says how to reach the preferences page (issue 16), within the budget: a message
    // that fills one segment with the old line still fits in one.
    for (const budget of [1, 2, 3]) {
      const long = renderSms({ title: 'Road closure', body: 'Diversion via Coventry Road. '.repeat(40) }, 'https://b.test/r/abc.def.0123456789abcdef', budget);
      expect(smsSegments(long)).toBe(budget);
      expect(long.endsWith('\nReply MANAGE for settings or STOP to opt out')).toBe(true);
      // Shortening keeps a GSM text GSM (an '…' would make it UCS-2: 70 characters a segment).
      expect(smsUnits(long).ucs2).toBe(false);
      expect(long.length).toBeGreaterThan(budget === 1 ? 140 : 153 * budget - 20);
    }
    // A text that is UCS-2 anyway keeps the one-character ellipsis.
    const ucs = renderSms({ title: 'Zgłoszenie', body: 'Objazd przez ulicę. '.repeat(40) }, 'https://b.test/r/x', 2);
    expect(smsSegments(ucs)).toBe(2);
    expect(ucs).toContain('…\nRate 1-6');
  });

  it('an SMS cut short links to the web version, kept whole within the budget; one that fits has no link', () => {
    const web = 'https://b.test/m/AAAAAAAAAAAAAAAAAAAAAA.abcdef.0123456789abcdef';
    const cut = renderSms({ title: 'Appeal', body: 'Have you seen this man? '.repeat(40) }, 'https://b.test/r/abc.def.0123456789abcdef', 3, undefined, web);
    expect(smsSegments(cut)).toBeLessThanOrEqual(3);
    expect(cut).toContain(`...\nRead more: ${web}\nRate 1-6`); // a GSM text: three dots (see above)
    expect(renderSms({ title: 'Hi', body: 'Meeting tonight' }, 'https://b.test/r/x', 3, undefined, web)).not.toContain('Read more');
    // UCS-2 (67 characters a segment): the links would leave almost nothing of the message, so
    // the web link gives way and the text keeps its first line.
    const urdu = renderSms({ title: 'گاڑیوں کی چوری', body: 'ہم نے Acocks Green میں گاڑیوں کے دروازے آزماتے ہوئے ایک شخص کو دیکھا۔ '.repeat(6) }, 'https://b.test/r/abc.def.0123456789abcdef', 3, undefined, web);
    expect(smsSegments(urdu)).toBeLessThanOrEqual(3);
    expect(urdu).not.toContain('Read more');
    expect(urdu.startsWith('گاڑیوں کی چوری: ہم نے Acocks Green')).toBe(true);
  });

  it('names the sender and the force in the e-mail', () => {
    const mail = renderEmail(
      { title: 'T', body: 'B', npuName: 'Birmingham East', sender: { name: 'PC <Jane>', roleText: 'Officer', team: 'Birmingham East neighbourhood team' }, branding: { forceName: 'West Midlands Police', colour: '#003a70' } },
      { ratingUrl: 'https://b.test/r/1', manageUrl: 'https://b.test/me', unsubscribeUrl: 'https://b.test/u/1', webUrl: 'https://b.test/m/x' },
    );
    expect(mail.text).toContain('PC <Jane>, Officer, Birmingham East neighbourhood team\nWest Midlands Police\nSent by Birmingham East neighbourhood team through Beacon.');
    expect(mail.text).toContain('Read this message online: https://b.test/m/x');
    expect(mail.html).toContain('PC &lt;Jane&gt;');
    expect(mail.html).toContain('border-top:8px solid #003a70');
  });

  it('words the pictures, files, survey and footer in the text\'s language; a language without a catalogue gets English, marked so', () => {
    const links = { ratingUrl: 'https://b.test/r/1', manageUrl: 'https://b.test/me', unsubscribeUrl: 'https://b.test/u/1', webUrl: 'https://b.test/m/x', surveyUrl: 'https://b.test/s/1' };
    const attachments = { images: [{ cid: 'img-1@b.test', alt: 'مشتبہ شخص <تصویر>', width: 800, height: 600 }], files: [{ name: 'poster.pdf', size: 40_960 }] };
    const ur = renderEmail({ title: 'T', body: 'B', language: 'ur', attachments, sender: { name: 'PC Jane', roleText: 'Officer', team: 'Force-wide', role: 'officer', teamNpu: null }, branding: { forceName: 'West Midlands Police', colour: '#003a70' } }, links);
    expect(ur.text).toContain('[تصویر: مشتبہ شخص <تصویر>]\n\nمنسلک: poster.pdf (PDF، 40 KB)\n\nسروے میں حصہ لیں: https://b.test/s/1');
    expect(ur.text).toContain('PC Jane، افسر، West Midlands Police کی پوری فورس کی ٹیم');
    expect(ur.text).toContain('آپ کے محلے کی پولیس ٹیم نے Beacon کے ذریعے بھیجا۔');
    expect(ur.html).toContain('<a href="https://b.test/m/x">تصویریں نظر نہیں آ رہیں؟ انہیں آن لائن دیکھیں</a>');
    expect(ur.html).toContain('alt="مشتبہ شخص &lt;تصویر&gt;"');
    expect(ur.html).toMatch(/<body lang="ur" dir="rtl"/);
    expect(ur.html).not.toMatch(/Pictures not showing|Take the survey|Attached:|Unsubscribe|lang="en"/);
    // French has no catalogue: the text is French, the furniture English in an element that says so.
    const fr = renderEmail({ title: 'T', body: 'Bonjour', language: 'fr', attachments }, links);
    expect(fr.html).toMatch(/<body lang="fr" dir="ltr"/);
    expect(fr.html).toContain('<div lang="en" dir="ltr">\n<p><img src="cid:img-1@b.test"');
    expect(fr.html).toContain('>Pictures not showing? See them online</a>');
    expect(fr.text).toContain('Unsubscribe: https://b.test/u/1');
  });

  it('a value put into a catalogue text is never read as i18next syntax (nesting or interpolation)', () => {
    const alt = '$t(email.unsubscribe) {{alt}} <b>';
    const mail = renderEmail({ title: 'T', body: 'B', language: 'ur', npuName: '$t(email.reply)', attachments: { images: [{ cid: 'c@b.test', alt, width: null, height: null }], files: [] } }, { ratingUrl: 'https://b.test/r/1', manageUrl: 'https://b.test/me', unsubscribeUrl: 'https://b.test/u/1' });
    expect(mail.text).toContain('[تصویر: $t(email.unsubscribe) {{alt}} <b>]');
    expect(mail.text).toContain('$t(email.reply) کی محلے کی پولیس ٹیم نے Beacon کے ذریعے بھیجا۔');
  });
});
