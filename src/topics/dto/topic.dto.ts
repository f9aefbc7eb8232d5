import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { Platform, PLATFORMS } from '../../common/platform';
import { MAX_QUERY_LENGTH, queryProblem } from '../query';
import { TOPIC_ROLES, type TopicRole } from '../schemas/topic.schema';

function IsSearchQuery(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isSearchQuery',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && queryProblem(value) === null,
        defaultMessage: (args) => (typeof args?.value === 'string' ? queryProblem(args.value) : null) ?? 'query must be a string',
      },
    });
}

/**
 * X: 1-15 letters, digits or underscores. Bluesky: a domain name (`lumi.bsky.social`), as atproto
 * defines handles. Mastodon: a username on the configured instance, or `user@instance`. Facebook,
 * Instagram and WhatsApp: the Graph API's numeric id of the Page, account or phone number.
 */
const HANDLE_RULES: Record<Platform, { pattern: RegExp; message: string }> = {
  x: { pattern: /^[a-z0-9_]{1,15}$/, message: 'handle must be 1-15 letters, digits or underscores (an X handle)' },
  bluesky: {
    pattern: /^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
    message: 'handle must be a Bluesky handle: a domain name such as "lumi.bsky.social"',
  },
  mastodon: {
    pattern: /^[a-z0-9_]{1,30}(@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})?$/,
    message: 'handle must be a Mastodon account: "lumi" on your instance, or "lumi@social.example"',
  },
  facebook: { pattern: /^\d{5,25}$/, message: 'handle must be a Facebook Page id (digits, as Graph API Explorer shows it)' },
  instagram: {
    pattern: /^\d{5,25}$/,
    message: 'handle must be an Instagram professional account id (digits, the Graph API id, not the @username)',
  },
  whatsapp: { pattern: /^\d{5,25}$/, message: 'handle must be a WhatsApp Business phone number id (digits)' },
  youtube: {
    pattern: /^([a-z0-9._-]{3,30}|UC[\w-]{22})$/,
    message: 'handle must be a YouTube handle ("@acmebank") or a channel id ("UC" and 22 characters, as written)',
  },
  reddit: { pattern: /^[a-z0-9_-]{3,20}$/, message: 'handle must be a Reddit username (3-20 letters, digits, "_" or "-", without "u/")' },
};

function IsHandleOfItsPlatform(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isHandleOfItsPlatform',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown, args) => {
          const rule = HANDLE_RULES[(args?.object as { platform?: Platform }).platform as Platform];
          // an unknown platform is reported by the platform field itself
          return !rule || (typeof value === 'string' && rule.pattern.test(value));
        },
        defaultMessage: (args) =>
          HANDLE_RULES[(args?.object as { platform?: Platform }).platform as Platform]?.message ?? 'handle is invalid',
      },
    });
}

export class OwnedAccountDto {
  @ApiProperty({ enum: PLATFORMS, example: 'x' }) @IsIn(PLATFORMS) platform!: Platform;

  @ApiProperty({
    example: 'lumi_br',
    description: 'handle, with or without "@": an X handle, or a Bluesky handle such as lumi.bsky.social',
  })
  @IsString()
  @Transform(({ value, obj }: { value: unknown; obj: unknown }) =>
    typeof value === 'string'
      ? (obj as { platform?: string })?.platform === 'youtube' && /^UC[\w-]{22}$/.test(value.trim())
        ? value.trim()
        : value
            .trim()
            .replace(/^(@|\/?u\/)/, '')
            .toLowerCase()
      : value,
  )
  @IsHandleOfItsPlatform()
  handle!: string;
}

export class CreateTopicDto {
  @ApiProperty({ example: 'Lumi brand' }) @IsString() @MinLength(1) @MaxLength(120) name!: string;

  @ApiProperty({
    example: '(lumi OR @lumi_br OR #lumi) -is:retweet',
    description: `X recent-search query (≤ ${MAX_QUERY_LENGTH} characters). On Bluesky each positive term is searched and the whole query is applied to the results.`,
  })
  @IsSearchQuery()
  query!: string;

  @ApiProperty({ enum: PLATFORMS, isArray: true, example: ['x'] })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(PLATFORMS, { each: true })
  platforms!: Platform[];

  @ApiPropertyOptional({ example: ['en', 'pt'], description: 'ISO 639-1 codes; empty or absent: every language' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[a-z]{2}$/, { each: true, message: 'languages must be ISO 639-1 codes such as "en" or "pt"' })
  languages?: string[];

  @ApiPropertyOptional({ type: [OwnedAccountDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => OwnedAccountDto)
  ownedAccounts?: OwnedAccountDto[];

  @ApiPropertyOptional({
    example: ['personalfinance'],
    description: 'Reddit: subreddits whose new comments are matched against the query (names, with or without "r/")',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value)
      ? (value as unknown[]).map((v) =>
          typeof v === 'string'
            ? v
                .trim()
                .replace(/^\/?r\//i, '')
                .toLowerCase()
            : v,
        )
      : value,
  )
  @Matches(/^[a-z0-9][a-z0-9_]{1,20}$/, {
    each: true,
    message: 'subreddits must be subreddit names such as "personalfinance" (2-21 letters, digits or "_")',
  })
  subreddits?: string[];

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() active?: boolean;

  @ApiPropertyOptional({
    enum: TOPIC_ROLES,
    default: 'brand',
    description:
      "`competitor`: a competitor's topic, its own accounts as owned accounts; counted in share of voice and public care, never opens inbox cases",
  })
  @IsOptional()
  @IsIn(TOPIC_ROLES, { message: `role must be one of ${TOPIC_ROLES.join(', ')}` })
  role?: TopicRole;
}

export class UpdateTopicDto extends PartialType(CreateTopicDto) {}
