import { startApiFront } from './api/front/startApiFront.ts';
import {
  AdmissionControl,
  type AdmissionSettings,
  type createApiApp,
  DEFAULT_ADMISSION,
  type FetchHandler,
  startApiServer,
} from './api/index.ts';

type ApiApp = ReturnType<typeof createApiApp>;

/** The two instances of the cell's API app: behind the socket's front, and for the in-process `fetch`. */
export interface ApiApps {
  /** Serves requests the front has already admitted (it has no admission control of its own). */
  readonly admitted: ApiApp;
  /** Guarded by this thread's `AdmissionControl` (the in-process `fetch`; the socket with `apiFrontThread: false`). */
  readonly guarded: ApiApp;
}

/**
 * The API's port, bound at once (503 `STARTING` until `serve` gets the apps). The API's HTTP front
 * runs on its own thread and does admission control for the socket; the `AdmissionControl` here
 * guards the in-process `fetch` the same way. `frontThread: false` serves the socket from this
 * thread as before the front existed, for comparisons (`load-tests/overloadAnswers.ts`).
 */
export async function openApi(options: {
  readonly host: string;
  readonly port: number;
  readonly admission: Partial<AdmissionSettings> | undefined;
  readonly frontThread: boolean;
  readonly onFailure: (reason: string) => void;
}) {
  let apps: ApiApps | undefined;
  const admission = { ...DEFAULT_ADMISSION, ...options.admission };
  const fetch: FetchHandler = (request, env) => {
    if (!apps) return Response.json({ code: 'STARTING', message: 'the cell is starting' }, { status: 503 });
    return (options.frontThread ? apps.admitted : apps.guarded).fetch(request, env);
  };
  const { host, port } = options;
  const api = options.frontThread
    ? await startApiFront({ host, port, admission, fetch, onFailure: options.onFailure })
    : await startApiServer({ host, port, fetch });
  return {
    api,
    admission: new AdmissionControl(admission),
    serve: (served: ApiApps) => {
      apps = served;
    },
  };
}
