import { worker } from "./entries.js";

export default worker;
