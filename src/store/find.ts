import { isUserError } from '../core/errors.js';
import { isSessionId } from './layout.js';
import { lookupName } from './names.js';
import { readSessions, sessionIds } from './records.js';
import { type Named, resolveSession } from './resolve.js';

/**
 * Finds a session by id, name or unique id prefix without reading every record: ids are directory
 * names and names are in an index. Only a name missing from the index (its link removed by hand) makes
 * it read the records after all.
 */
export function findSession(root: string, query: string): Named {
  const named = isSessionId(query) ? undefined : lookupName(root, query);
  try {
    return resolveSession(
      query,
      sessionIds(root).map((id) => ({ id, name: id === named ? query : undefined })),
    );
  } catch (error) {
    if (named !== undefined || isSessionId(query) || !isUserError(error)) throw error;
    return resolveSession(
      query,
      readSessions(root).map((session) => ({ id: session.id, name: session.record?.name })),
    );
  }
}
