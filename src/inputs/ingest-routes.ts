import { applyDecorators, BadRequestException, HttpCode, Type, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiExtraModels, ApiOperation, getSchemaPath } from '@nestjs/swagger';
import { CsvColumns, MAX_CSV_BYTES } from './csv-records';
import { MAX_RECORDS_PER_REQUEST } from './record-batch';

/**
 * One JSON object or an array of them. The body is validated record by record (see
 * record-batch.ts), so the route takes it as `unknown` and the global ValidationPipe leaves it alone.
 */
export function JsonIngest(what: string, dto: Type<unknown>, extra = '') {
  return applyDecorators(
    HttpCode(200),
    ApiExtraModels(dto),
    ApiOperation({
      summary: `Record ${what}: one object, or an array of up to ${MAX_RECORDS_PER_REQUEST}`,
      description:
        'Answers `{ stored, updated, rejected: [{ index, errors }], records: [{ index, id, status }] }`. In an array, a bad record is ' +
        'reported by its index and the others are kept; a single invalid object, or an array where every record is invalid, is a 400 ' +
        'and stores nothing. A valid record the database failed to store is rejected with `retry: true` (sending it again is safe); ' +
        `when no record could be stored for that reason the answer is a 503 with the same report.${extra ? ` ${extra}` : ''}`,
    }),
    ApiBody({
      schema: {
        oneOf: [
          { $ref: getSchemaPath(dto) },
          { type: 'array', minItems: 1, maxItems: MAX_RECORDS_PER_REQUEST, items: { $ref: getSchemaPath(dto) } },
        ],
      },
    }),
  );
}

/** The part of multer's file that an import reads (memory storage keeps the upload in `buffer`). */
export interface UploadedCsv {
  buffer: Buffer;
  originalname: string;
  size: number;
}

/** `multipart/form-data` with the CSV in the field `file`; documents the columns in OpenAPI. */
export function CsvImport(what: string, columns: CsvColumns) {
  const names = Object.entries(columns).map(([name, c]) => (c.required ? name : `${name}?`));
  return applyDecorators(
    HttpCode(200),
    UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_CSV_BYTES, files: 1 } })),
    ApiConsumes('multipart/form-data'),
    ApiOperation({
      summary: `Import ${what} from a CSV file (field "file"); good rows are stored, bad rows are reported by line number`,
    }),
    ApiBody({
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', format: 'binary', description: `UTF-8 CSV, header row: ${names.join(', ')}` } },
      },
    }),
  );
}

export function csvBuffer(file: UploadedCsv | undefined): Buffer {
  if (!file?.buffer) throw new BadRequestException('send the CSV file as the multipart/form-data field "file"');
  return file.buffer;
}
