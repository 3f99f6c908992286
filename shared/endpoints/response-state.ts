// The Responses API's conversation state, by the rules of who may see it: a stored response is
// readable only by the key that made it, or a key of the same team (anyone else is told it does not
// exist), until its retention ends. `previous_response_id` continues a conversation from the items of
// every earlier turn. Storage itself is shared/store/stored-responses.ts, in the gateway's table.
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';
import type { Identity } from '../core/types.ts';
import { virtualKeyOf } from '../keys/identity.ts';
import type { ResponseItem } from '../responses-format/types.ts';
import type { StoredResponse, StoredResponses } from '../store/stored-responses.ts';

/** The conversation a request continues: every earlier turn's input and output items, oldest first. */
export interface Conversation {
  items: ResponseItem[];
  /** The response it continues. */
  previous: StoredResponse;
}

export class ResponseState {
  constructor(
    /** Absent when the gateway runs without a table: nothing is stored. */
    private readonly stored: StoredResponses | undefined,
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored response `id`, if the caller may read it; a 404 otherwise, the same whether it is missing or someone else's. */
  async readable(id: string, identity: Identity | undefined): Promise<StoredResponse> {
    const found = await this.stored?.get(id);
    if (!found || !mayRead(found, identity)) {
      throw new GatewayError('not_found', `No response with id "${id}" is stored for this key: it never was, it has expired, it was deleted, or another key made it.`, { param: 'response_id' });
    }
    return found;
  }

  /** The conversation up to response `id`, for a request that continues it. */
  async conversation(id: string, identity: Identity | undefined): Promise<Conversation> {
    if (!this.stored) {
      throw new GatewayError('invalid_request', 'previous_response_id needs stored responses, and this gateway runs without its table. Send the whole conversation as input instead.', {
        param: 'previous_response_id',
      });
    }
    const previous = await this.readable(id, identity).catch((error: unknown) => {
      throw error instanceof GatewayError && error.kind === 'not_found' ? new GatewayError('not_found', error.message, { param: 'previous_response_id' }) : error;
    });
    const turns: StoredResponse[] = [previous];
    for (let at = previous.previousResponseId; at; ) {
      const turn = await this.stored.get(at);
      // An earlier turn past its retention (or deleted) ends the conversation there, as OpenAI's does.
      if (!turn || !mayRead(turn, identity)) break;
      turns.unshift(turn);
      at = turn.previousResponseId;
    }
    return { previous, items: turns.flatMap((turn) => [...turn.input, ...(turn.response['output'] as ResponseItem[])]) };
  }

  /**
   * `item_reference` items replaced by the items they name, where the caller may read them (an item
   * of a response the upstream stored, unknown here, stays a reference for the upstream to resolve).
   */
  async withReferencesResolved(items: ResponseItem[], identity: Identity | undefined): Promise<ResponseItem[]> {
    if (!this.stored || !items.some(isReference)) return items;
    const resolved: ResponseItem[] = [];
    for (const item of items) {
      const responseId = isReference(item) ? await this.stored.responseOfItem(String(item.id)) : undefined;
      const found = responseId && (await this.stored.get(responseId));
      const named = found && mayRead(found, identity) ? (found.response['output'] as ResponseItem[]).find((output) => output.id === item.id) : undefined;
      resolved.push(named ?? item);
    }
    return resolved;
  }

  /** Stores a finished response with its turn's input (`deployment` undefined: an answer from the response cache); nothing without a table. */
  async save(response: Record<string, unknown>, input: ResponseItem[], identity: Identity | undefined, deployment: Deployment | undefined, upstreamStored: boolean): Promise<void> {
    if (!this.stored) return;
    const key = virtualKeyOf(identity);
    await this.stored.put(
      String(response['id']),
      {
        owner: ownerOf(identity),
        teamId: key?.teamId ?? null,
        deploymentId: deployment?.id ?? FROM_CACHE,
        upstreamStored,
        previousResponseId: typeof response['previous_response_id'] === 'string' ? response['previous_response_id'] : null,
        expiresAt: this.now() + this.retentionMs,
      },
      { response, input },
    );
  }

  async remove(id: string, identity: Identity | undefined): Promise<void> {
    await this.readable(id, identity);
    await this.stored!.delete(id);
  }
}

/** The `deploymentId` of a response the response cache answered. */
const FROM_CACHE = 'response-cache';

function isReference(item: ResponseItem): boolean {
  return item.type === 'item_reference' && typeof item.id === 'string';
}

function ownerOf(identity: Identity | undefined): string {
  return virtualKeyOf(identity)?.token ?? identity?.kind ?? 'open';
}

function mayRead(stored: StoredResponse, identity: Identity | undefined): boolean {
  if (stored.owner === ownerOf(identity)) return true;
  const team = virtualKeyOf(identity)?.teamId;
  return !!team && stored.teamId === team;
}
