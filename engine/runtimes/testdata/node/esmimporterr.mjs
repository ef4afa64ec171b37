import x from 'not-a-real-package';
export const handler = async () => x;
