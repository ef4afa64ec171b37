exports.handler = async (event => {
