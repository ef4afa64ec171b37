// module.exports built dynamically: only reachable through module.exports.
function build() {
  return { handler: async () => ({ dyn: true }) };
}
module.exports = build();
