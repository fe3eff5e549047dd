/**
 * Reads the browser's WebGL renderer string (e.g. "… SwiftShader …" or a GPU name), so the backend choice can
 * tell a real GPU from a software renderer. Follows the WebGL `WEBGL_debug_renderer_info` extension
 * (falling back to `gl.RENDERER`, which Firefox fills with a sanitized name).
 */

/** The WebGL renderer string, or `undefined` outside a browser or when WebGL is unavailable. */
export function webglRenderer(): string | undefined {
  try {
    const canvas =
      typeof OffscreenCanvas !== "undefined"
        ? new OffscreenCanvas(1, 1)
        : typeof document !== "undefined"
          ? document.createElement("canvas")
          : undefined;
    const gl = (canvas?.getContext("webgl2") ?? canvas?.getContext("webgl")) as WebGLRenderingContext | null;
    if (!gl) return undefined;
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    gl.getExtension("WEBGL_lose_context")?.loseContext(); // browsers cap live contexts; tfjs makes its own
    return typeof renderer === "string" ? renderer : undefined;
  } catch {
    return undefined;
  }
}
