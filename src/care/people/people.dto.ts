import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsMongoId, IsOptional, Matches, ValidateIf, ValidateNested } from 'class-validator';
import { PLATFORMS } from '../../common/platform';
import { AuthorParams } from '../dto/triage.dto';
import { MAX_IDENTITIES, MIN_IDENTITIES } from './people';

const AUTHOR_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
const HANDLE = /^@?[\p{L}\p{N}_.@-]{1,120}$/u;

/** An author on one network: by the network's author id, or by handle as the inbox shows it. */
export class AuthorRefDto {
  @ApiProperty({ enum: PLATFORMS }) @IsIn(PLATFORMS, { message: `platform must be one of ${PLATFORMS.join(', ')}` }) platform!: string;

  @ApiPropertyOptional({ description: "the author's id on the network (or give handle)" })
  @ValidateIf((o: AuthorRefDto) => o.handle === undefined || o.authorId !== undefined)
  @Matches(AUTHOR_ID, { message: 'authorId must be a network author id (or give handle instead)' })
  authorId?: string;

  @ApiPropertyOptional({ description: 'the author\'s handle, with or without "@" (or give authorId)', example: '@carla' })
  @IsOptional()
  @Matches(HANDLE, { message: 'handle must be a network handle such as @carla' })
  handle?: string;
}

export class CreatePersonDto {
  @ApiProperty({ type: [AuthorRefDto], description: `the same person's authors (${MIN_IDENTITIES} to ${MAX_IDENTITIES})` })
  @IsArray()
  @ArrayMinSize(MIN_IDENTITIES, { message: `authors must name at least ${MIN_IDENTITIES} authors` })
  @ArrayMaxSize(MAX_IDENTITIES)
  @ValidateNested({ each: true })
  @Type(() => AuthorRefDto)
  authors!: AuthorRefDto[];
}

export class PersonParams {
  @ApiProperty() @IsMongoId({ message: 'id must be a person id' }) id!: string;
}

export class PersonAuthorParams extends AuthorParams {
  @ApiProperty() @IsMongoId({ message: 'id must be a person id' }) id!: string;
}
