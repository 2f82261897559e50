// @rails/actioncable ships no type declarations; the tests use it untyped.
declare module '@rails/actioncable';
