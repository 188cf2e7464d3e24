/// <reference types="vite/client" />
interface ImportMetaEnv {
  readonly VITE_INFERLOG_ENDPOINT?: string;
  readonly VITE_INFERLOG_WRITE_KEY?: string;
}
