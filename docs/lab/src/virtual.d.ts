/** Types of the virtual modules that the lab's Vite plugins provide (docs/lab/build). */
declare module "virtual:attnlab-guide" {
  const pages: import("./guideTypes.js").GuidePage[];
  export default pages;
}
