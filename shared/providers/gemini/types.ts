// The Gemini API wire shapes the gateway writes (generateContent, streamGenerateContent and
// batchEmbedContents requests), as the Gemini API reference and Vertex AI's GenerateContent reference
// give them; what it reads of the answers is in answer-schema.ts. Fields never read stay open.

export interface GeminiPart {
  text?: string;
  /** Marks a part as the model's thinking (a summary of it), not the answer. */
  thought?: boolean;
  /** Opaque; Gemini 3 wants it back on the function call it came with. */
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: { name: string; args?: Record<string, unknown>; id?: string };
  functionResponse?: { name: string; response: Record<string, unknown>; id?: string };
  [key: string]: unknown;
}

export interface GeminiContent {
  role?: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  googleSearch?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface GeminiToolConfig {
  functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] };
}

export interface GeminiThinkingConfig {
  thinkingBudget?: number;
  thinkingLevel?: 'low' | 'high';
  includeThoughts?: boolean;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  responseLogprobs?: boolean;
  logprobs?: number;
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  thinkingConfig?: GeminiThinkingConfig;
  [key: string]: unknown;
}

/** The body POSTed to `models/{model}:generateContent` (Gemini API) or `.../publishers/google/models/{model}:generateContent` (Vertex AI). */
export interface GenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
  safetySettings?: unknown[];
  cachedContent?: string;
  [key: string]: unknown;
}

export interface GeminiEmbedContentRequest {
  model?: string;
  content: { parts: Array<{ text: string }> };
  taskType?: string;
  title?: string;
  outputDimensionality?: number;
}
