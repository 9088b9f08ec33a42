/* A photo shrunk in the browser before it waits in the outbox: longest side 2048 px,
 * JPEG. createImageBitmap applies the EXIF orientation and the canvas writes no
 * metadata, so neither position nor device leaves the phone; the server re-encodes
 * anyway. Falls back to the original file where the browser cannot decode it. */
(function () {
  "use strict";
  var MAX_SIDE = 2048;

  function shrink(file) {
    var load = window.createImageBitmap ? createImageBitmap(file) : Promise.reject(new Error("no bitmap"));
    return load.then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
    }).catch(function () { return file; });
  }

  window.PhotoTerrain = { shrink: shrink, MAX_SIDE: MAX_SIDE };
})();
