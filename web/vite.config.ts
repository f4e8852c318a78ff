import { defineConfig } from "vite";

// The build goes into the Python package, so `pip install` + `gridbase serve` needs no Node.
export default defineConfig({
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "../gridbase/web/app",
    emptyOutDir: true,
    assetsDir: "_app",
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    // one CSS file and a vendor chunk (AG Grid), so an app change does not re-download the grid
    rollupOptions: {
      output: {
        manualChunks: (id: string) => (id.includes("node_modules") ? "vendor" : undefined),
      },
    },
  },
});
