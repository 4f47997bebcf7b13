import { BaseEnv } from '@ct/platform';
import { IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

const URL_OR_EMPTY = /^$|^https?:\/\/\S+$/;

/**
 * Notifications (apps/cases/src/notifications). A channel whose URL is empty is disabled (said once
 * at start-up); nothing is planned for it.
 */
export class NotifyEnv extends BaseEnv {
  /** The SMS gateway's webhook: a signed JSON POST {to, text, messageId} per message. Empty = no SMS. */
  @Matches(URL_OR_EMPTY, { message: 'NOTIFY_SMS_WEBHOOK_URL must be an http(s) URL or empty' })
  NOTIFY_SMS_WEBHOOK_URL = '';

  /** HMAC-SHA256 key of the X-Notify-Signature header of SMS requests. */
  @IsString()
  NOTIFY_SMS_SECRET = '';

  /** 'true': Vietnamese SMS are sent without diacritics (GSM-7: 160 characters a segment instead of 70). */
  @IsIn(['true', 'false'])
  NOTIFY_SMS_ASCII = 'false';

  /** SMTP server, e.g. smtp://127.0.0.1:2525 or smtps://user:pass@mail.example.vn:465. Empty = no e-mail. */
  @Matches(/^$|^smtps?:\/\/\S+$/, { message: 'NOTIFY_SMTP_URL must be an smtp:// or smtps:// URL or empty' })
  NOTIFY_SMTP_URL = '';

  @IsString()
  @MinLength(3)
  NOTIFY_SMTP_FROM = 'Contact tracing <no-reply@localhost>';

  /** 'true': refuse to send e-mail unless the server accepts STARTTLS (smtps:// is TLS from the start). */
  @IsIn(['true', 'false'])
  NOTIFY_SMTP_REQUIRE_TLS = 'false';

  /** PEM file of the CA that signed the SMTP server's certificate (private CAs); empty = the system's. */
  @IsString()
  NOTIFY_SMTP_CA_FILE = '';

  /** The check-in app provider's push webhook (signed like SMS: {personId, title, text, messageId}). Empty = no push. */
  @Matches(URL_OR_EMPTY, { message: 'NOTIFY_APP_WEBHOOK_URL must be an http(s) URL or empty' })
  NOTIFY_APP_WEBHOOK_URL = '';

  @IsString()
  NOTIFY_APP_SECRET = '';

  /** Folder of templates.vi.json and templates.en.json; re-read when a file changes (no release needed). */
  @IsString()
  @MinLength(1)
  NOTIFY_TEMPLATES_DIR = 'data/notifications';

  /** Local (UTC+7) hours in which non-urgent SMS wait for the morning, "HH:MM-HH:MM"; empty = none. */
  @Matches(/^$|^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, {
    message: 'NOTIFY_QUIET_HOURS must be HH:MM-HH:MM or empty',
  })
  NOTIFY_QUIET_HOURS = '21:00-07:00';

  /** Local time on the evening before a scheduled test at which its reminder is sent. */
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'NOTIFY_REMINDER_TIME must be HH:MM' })
  NOTIFY_REMINDER_TIME = '19:00';

  /** How often the dispatcher looks for due messages (it is also woken at once by new ones); 0 = never. */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  NOTIFY_DISPATCH_INTERVAL_MS = 1000;

  @IsInt()
  @Min(1)
  @Max(5000)
  NOTIFY_DISPATCH_BATCH = 500;

  /** Requests in flight at once per instance. */
  @IsInt()
  @Min(1)
  @Max(1000)
  NOTIFY_DISPATCH_CONCURRENCY = 32;

  @IsInt()
  @Min(100)
  @Max(300_000)
  NOTIFY_SEND_TIMEOUT_MS = 10_000;

  /** First retry delay; doubled at each failure up to NOTIFY_RETRY_MAX_MS. */
  @IsInt()
  @Min(10)
  @Max(86_400_000)
  NOTIFY_RETRY_BASE_MS = 30_000;

  @IsInt()
  @Min(10)
  @Max(86_400_000)
  NOTIFY_RETRY_MAX_MS = 3_600_000;

  /** A message still not accepted this long after its first attempt has failed for good. */
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  NOTIFY_RETRY_FOR_HOURS = 24;

  /** A leased message not finished within this time (the instance died) is taken by another. */
  @IsInt()
  @Min(1)
  @Max(3600)
  NOTIFY_LEASE_SECONDS = 60;

  /** The name leases are held under; empty = the host name and process id. */
  @IsString()
  @MaxLength(128)
  NOTIFY_INSTANCE_ID = '';
}
