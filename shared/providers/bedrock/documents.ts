// OpenAI `file` parts → Converse blocks: documents (PDF, Word, Excel, CSV, HTML, text, Markdown) as
// document blocks with their bytes, images as image blocks. Converse takes bytes (or S3), not
// uploaded-file ids, and names each document, in a restricted alphabet.
import type { ContentBlock, DocumentFormat } from '@aws-sdk/client-bedrock-runtime';
import { GatewayError } from '../../core/errors.ts';
import { dataUrlText, parseDataUrl } from '../../openai/data-url.ts';

const DOCUMENT_FORMATS: Record<string, DocumentFormat> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

export interface FilePart {
  file_data?: string;
  file_id?: string;
  filename?: string;
}

/** `image` turns an image data: URL into its block, as image_url parts are. */
export function fileBlock(file: FilePart | undefined, at: string, image: (url: string, at: string) => ContentBlock): ContentBlock {
  if (file?.file_id) {
    throw new GatewayError('invalid_request', `${at}.file.file_id: bedrock cannot read uploaded files; send the file inline as file_data (a base64 data: URL).`, { param: `${at}.file.file_id` });
  }
  if (!file?.file_data) throw new GatewayError('invalid_request', `${at}.file needs file_data (a data: URL).`, { param: `${at}.file` });
  const data = parseDataUrl(file.file_data, at);
  const mediaType = data.mediaType.toLowerCase();
  if (mediaType.startsWith('image/')) return image(file.file_data, at);
  const format = DOCUMENT_FORMATS[mediaType];
  if (!format) {
    throw new GatewayError('invalid_request', `${at}: bedrock takes documents of types ${Object.keys(DOCUMENT_FORMATS).join(', ')}, not ${data.mediaType}.`, { param: `${at}.file.file_data` });
  }
  const bytes = data.base64 ? Buffer.from(data.data, 'base64') : Buffer.from(dataUrlText(data, at), 'utf8');
  return { document: { format, name: documentName(file.filename, at), source: { bytes } } };
}

/**
 * Converse allows letters, digits, single spaces, hyphens, parentheses and square brackets in a
 * document's name: the file name without its extension, so reduced, else one made from the part's place.
 */
function documentName(filename: string | undefined, at: string): string {
  const clean = (text: string) =>
    text
      .replace(/[^A-Za-z0-9\s\-()[\]]+/g, '-')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200);
  return clean((filename ?? '').replace(/\.[A-Za-z0-9]+$/, '')) || `document ${at.match(/\d+/g)?.join('-') ?? '1'}`;
}
