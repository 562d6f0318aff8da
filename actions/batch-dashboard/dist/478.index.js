export const id = 478;
export const ids = [478];
export const modules = {

/***/ 2478:
/***/ ((module) => {

module.exports = eval("require")("canvas");


/***/ })

};
