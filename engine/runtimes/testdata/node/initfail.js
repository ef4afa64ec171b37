throw new RangeError('init went wrong');
