/** The platform's status, from /api/v1/status. */
import type { PlatformStatus } from "@kamld/client";

import { api, unwrap } from "../api";
import { ErrorBox, Loading } from "../components";
import { useLoad } from "../hooks";

export default function Status() {
  const status = useLoad(async (): Promise<PlatformStatus> => unwrap(await api.GET("/api/v1/status")), []);
  return (
    <div className="page">
      <h1>Platform status</h1>
      <button type="button" className="secondary" onClick={status.reload}>
        Refresh
      </button>
      <ErrorBox error={status.error} />
      {!status.data && !status.error ? <Loading /> : null}
      {status.data ? (
        <>
          <p role="status">
            Overall: <span className={`badge ${status.data.status}`}>{status.data.status}</span>
          </p>
          <div className="scroll-x">
            <table aria-label="Services">
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">Status</th>
                  <th scope="col">Version</th>
                  <th scope="col">URL</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {status.data.services.map((service) => (
                  <tr key={service.name}>
                    <td>{service.name}</td>
                    <td>
                      <span className={`badge ${service.status}`}>{service.status}</span>
                    </td>
                    <td>{service.version}</td>
                    <td>
                      <code>{service.url}</code>
                    </td>
                    <td>
                      {service.detail}
                      {service.checks && Object.keys(service.checks).length
                        ? ` ${Object.entries(service.checks)
                            .map(([k, v]) => `${k}: ${String(v)}`)
                            .join(", ")}`
                        : ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </div>
  );
}
