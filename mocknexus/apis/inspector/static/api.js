// The admin HTTP API, as the page uses it: every call goes to /__admin/... (or, with a client id chosen,
// /__admin/clients/{id}/...) and carries the admin token the user typed, if any, as a bearer header.
const TOKEN_KEY = "mocknexus.adminToken";
const WORLD_KEY = "mocknexus.world";

export const auth = {
  token: () => sessionStorage.getItem(TOKEN_KEY) || "",
  save: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  forget: () => sessionStorage.removeItem(TOKEN_KEY),
};

export const world = {
  clientId: () => sessionStorage.getItem(WORLD_KEY) || "",
  choose: (id) => (id ? sessionStorage.setItem(WORLD_KEY, id) : sessionStorage.removeItem(WORLD_KEY)),
};

// The prefix for calls that act on the chosen world.
export function base() {
  const id = world.clientId();
  return id ? `/__admin/clients/${encodeURIComponent(id)}` : "/__admin";
}

export class ApiError extends Error {
  constructor(status, body, method, path) {
    const message = body && body.error ? body.error.message : `HTTP ${status}`;
    super(message);
    Object.assign(this, { status, body, method, path });
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

// One admin call. `path` is relative to the world's prefix unless it starts with "/".
export async function call(method, path, body) {
  const url = path.startsWith("/") ? path : `${base()}/${path}`;
  const headers = { Accept: "application/json" };
  const token = auth.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers, cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new ApiError(0, { error: { message: `The server did not answer (${error.message}).` } }, method, url);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { error: { message: text.slice(0, 200) } };
  }
  if (response.status === 401) onUnauthorized();
  if (!response.ok) throw new ApiError(response.status, data, method, url);
  return { status: response.status, body: data, method, url };
}
