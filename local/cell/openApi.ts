import { startApiFront } from './api/front/startApiFront.ts';
import { AdmissionControl, type AdmissionSettings, type createApiApp, DEFAULT_ADMISSION } from './api/index.ts';

/**
 * The API's port, bound at once (503 `STARTING` until `serve` gets the app). The API's HTTP front
 * runs on its own thread and does admission control for the socket; the `AdmissionControl` here
 * guards the in-process `fetch` the same way.
 */
export async function openApi(host: string, port: number, settings: Partial<AdmissionSettings> | undefined) {
  let app: ReturnType<typeof createApiApp> | undefined;
  const admission = { ...DEFAULT_ADMISSION, ...settings };
  const api = await startApiFront({
    host,
    port,
    admission,
    fetch: (request, env) =>
      app
        ? app.fetch(request, env)
        : Response.json({ code: 'STARTING', message: 'the cell is starting' }, { status: 503 }),
  });
  return {
    api,
    admission: new AdmissionControl(admission),
    serve: (served: ReturnType<typeof createApiApp>) => {
      app = served;
    },
  };
}
