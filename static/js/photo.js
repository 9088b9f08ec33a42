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

  var node = Quartier.el;

  /* A file input with its preview: refuses non-images, shrinks, shows the result and a
   * "retirer" button; onChange(blob or null) tells the page what will be sent. */
  function attach(input, preview, onChange) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      preview.innerHTML = "";
      onChange(null);
      if (!file) { return; }
      if (!/^image\//.test(file.type)) {
        preview.appendChild(node("p", "Ce fichier n'est pas une image.", { "class": "erreur" }));
        return;
      }
      shrink(file).then(function (blob) {
        onChange(blob);
        var img = node("img", null, { alt: "Aperçu de la photo", "class": "apercu" });
        img.src = URL.createObjectURL(blob);
        preview.appendChild(img);
        var remove = node("button", "Retirer la photo", { type: "button", "class": "lien-bouton" });
        remove.addEventListener("click", function () { onChange(null); preview.innerHTML = ""; input.value = ""; });
        preview.appendChild(remove);
        preview.appendChild(node("span", " " + Math.round(blob.size / 1024) + " Ko", { "class": "aide" }));
      });
    });
  }

  window.PhotoTerrain = { attach: attach };
})();
