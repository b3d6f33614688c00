export function checkModel(): [] { return []; }
