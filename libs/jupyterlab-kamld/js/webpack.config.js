// The shared API client is linked from frontend/, outside this package: the modules JupyterLab's
// build injects into it (process/browser) resolve from here.
module.exports = {
  resolve: {
    alias: { 'process/browser': require.resolve('process/browser') }
  }
};
