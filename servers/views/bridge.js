// The MCP Apps bridge (SEP-1865): JSON-RPC 2.0 over postMessage with the host that renders
// this view. The view asks only the host: no network, no storage, no third-party code.
const view = (() => {
  const waiting = new Map();
  const handlers = {};
  let nextId = 1;
  let context = {};

  function post(message) {
    window.parent.postMessage({ jsonrpc: "2.0", ...message }, "*");
  }

  function request(method, params) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      post({ id, method, params });
    });
  }

  window.addEventListener("message", (event) => {
    const message = event.data;
    if (event.source !== window.parent || !message || message.jsonrpc !== "2.0") return;
    if (message.method === undefined && waiting.has(message.id)) {
      const { resolve, reject } = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error) reject(new Error(message.error.message || "The host refused."));
      else resolve(message.result);
      return;
    }
    if (message.id !== undefined && message.method !== undefined) {
      // ping and ui/resource-teardown: nothing to save, answer at once.
      post({ id: message.id, result: {} });
      return;
    }
    const handler = handlers[message.method];
    if (handler) handler(message.params || {});
  });

  function applyHostStyle(hostContext) {
    const root = document.documentElement;
    if (hostContext.theme) root.style.colorScheme = hostContext.theme;
    const variables = (hostContext.styles && hostContext.styles.variables) || {};
    for (const [name, value] of Object.entries(variables)) {
      if (value) root.style.setProperty(name, value);
    }
  }

  function reportSize() {
    const observer = new ResizeObserver(() => {
      const { scrollWidth: width, scrollHeight: height } = document.documentElement;
      post({ method: "ui/notifications/size-changed", params: { width, height } });
    });
    observer.observe(document.documentElement);
  }

  // A tool result's data: its structured content (unwrapped when the tool returned a
  // non-object), else the JSON of its text.
  function dataOf(result) {
    let data = result.structuredContent;
    if (data === undefined) {
      const text = (result.content || []).find((block) => block.type === "text");
      try { data = text ? JSON.parse(text.text) : undefined; } catch { data = undefined; }
    }
    const keys = data && typeof data === "object" ? Object.keys(data) : [];
    return keys.length === 1 && keys[0] === "result" ? data.result : data;
  }

  function errorOf(result) {
    const text = (result.content || []).find((block) => block.type === "text");
    return text ? text.text : "The tool failed.";
  }

  return {
    on(method, handler) { handlers[method] = handler; },
    async connect(name) {
      const result = await request("ui/initialize", {
        appInfo: { name, version: "1" },
        appCapabilities: { availableDisplayModes: ["inline"] },
        protocolVersion: "2026-01-26",
      });
      context = (result && result.hostContext) || {};
      applyHostStyle(context);
      post({ method: "ui/notifications/initialized", params: {} });
      reportSize();
    },
    // The tool this view was opened for, when the host says (hostContext.toolInfo).
    get toolName() {
      return context.toolInfo && context.toolInfo.tool ? context.toolInfo.tool.name : null;
    },
    async callTool(name, args) {
      const result = await request("tools/call", { name, arguments: args });
      if (result.isError) throw new Error(errorOf(result));
      return dataOf(result);
    },
    openLink(url) { return request("ui/open-link", { url }); },
    dataOf,
    errorOf,
  };
})();

// Small DOM helpers: text goes in as text, never as markup (customers write the messages).
function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

function citationItem(citation) {
  const label = citation.title || citation.uri;
  if (!citation.url) return element("li", {}, element("code", {}, label));
  const link = element("a", { href: citation.url }, label);
  link.addEventListener("click", (event) => {
    event.preventDefault();
    view.openLink(citation.url).catch(() => {});
  });
  return element("li", {}, link);
}
