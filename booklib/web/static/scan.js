// Barcode scanning on the add-book page: a photo read by the server (/api/v1/scan), or the
// live camera read in the browser (BarcodeDetector, or the vendored zxing-wasm where there is none).
// Plain ES2017, no framework.
(function () {
  "use strict";

  const isbnInput = document.getElementById("isbn");
  const photoInput = document.getElementById("scan-photo");
  const liveButton = document.getElementById("scan-live");
  const video = document.getElementById("scan-video");
  const status = document.getElementById("scan-status");
  const submit = document.getElementById("add-submit");
  if (!isbnInput) return;
  const form = isbnInput.form;
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');

  function say(text) {
    if (status) status.textContent = text;
  }

  function isIsbn13(text) {
    if (!/^97[89]\d{10}$/.test(text)) return false;
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += Number(text[i]) * (i % 2 ? 3 : 1);
    return (10 - (sum % 10)) % 10 === Number(text[12]);
  }

  function found(isbn) {
    isbnInput.value = isbn;
    isbnInput.dispatchEvent(new Event("input", { bubbles: true }));
    say("Found ISBN " + isbn + ".");
    const autoAdd = document.getElementById("scan-autoadd");
    if (form && (form.dataset.autosubmit === "1" || (autoAdd && autoAdd.checked))) {
      // Straight back to this page after adding, ready for the next book.
      const again = document.getElementById("add-again");
      if (form.requestSubmit) form.requestSubmit(again || submit || undefined);
      else form.submit();
    } else if (submit) {
      submit.focus();
    }
  }

  // --- a photo, read on the server ---
  async function scanPhoto(file) {
    say("Reading the barcode…");
    const body = new FormData();
    body.append("image", file);
    const headers = csrfMeta ? { "X-CSRFToken": csrfMeta.content } : {};
    try {
      const response = await fetch("/api/v1/scan", { method: "POST", body, headers, credentials: "same-origin" });
      const data = await response.json().catch(() => null);
      if (response.ok && data && data.isbn) {
        found(data.isbn);
      } else if (data && data.error && data.error.message) {
        say(data.error.message);
      } else if (response.status === 413) {
        say("The photo is too large (10 MB at most).");
      } else {
        say("The photo could not be read (error " + response.status + "). Please try again.");
      }
    } catch (err) {
      say("The photo could not be sent. Check your connection and try again.");
    }
  }

  const photoButton = document.getElementById("scan-photo-button");
  if (photoInput && photoButton) {
    // The file input stays hidden (never a tab stop of its own); this button opens it.
    photoButton.hidden = false;
    photoButton.addEventListener("click", () => photoInput.click());
    photoInput.addEventListener("change", () => {
      const file = photoInput.files && photoInput.files[0];
      photoInput.value = ""; // so that choosing the same file again fires "change" again
      if (file) scanPhoto(file);
    });
  }

  // --- the live camera, read in the browser ---
  // BarcodeDetector where the browser has one that reads EAN-13 (Chrome on Android, Safari on macOS);
  // elsewhere (Safari on iPhone, Firefox) zxing-wasm, vendored under static/vendor/zxing-wasm and
  // loaded only when the camera starts.
  const scanBox = document.querySelector(".scan[data-decoder]");
  const decoderBase = scanBox ? scanBox.dataset.decoder : null;
  let stream = null;
  let readFrame = null; // () => Promise<string[]>: the ISBN-looking codes in the current frame
  let candidate = null;
  let timer = null;

  async function nativeReader() {
    if (!("BarcodeDetector" in window)) return null;
    const formats = await window.BarcodeDetector.getSupportedFormats().catch(() => []);
    if (!formats.includes("ean_13")) return null;
    const detector = new window.BarcodeDetector({ formats: ["ean_13"] });
    return async () => (await detector.detect(video)).map((code) => code.rawValue);
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error("could not load " + src));
      document.head.appendChild(script);
    });
  }

  async function wasmReader() {
    if (!window.ZXingWASM) await loadScript(decoderBase + "zxing-reader.js");
    const zxing = window.ZXingWASM;
    // Fetch the .wasm from this app, never from a CDN (the library's default).
    await zxing.prepareZXingModule({
      overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? decoderBase + path : prefix + path) },
      fireImmediately: true,
    });
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    const options = { formats: ["EAN13"], tryHarder: true, maxNumberOfSymbols: 1 };
    return async () => {
      const scale = Math.min(1, 1280 / (video.videoWidth || 1280));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      if (!canvas.width || !canvas.height) return [];
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const results = await zxing.readBarcodes(context.getImageData(0, 0, canvas.width, canvas.height), options);
      return results.filter((r) => r.isValid).map((r) => r.text);
    };
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    if (timer) clearTimeout(timer);
    stream = null;
    timer = null;
    candidate = null;
    video.srcObject = null;
    video.hidden = true;
    liveButton.innerHTML = liveButton.dataset.label;
  }

  async function detectFrame() {
    timer = null;
    if (!stream) return;
    try {
      if (video.readyState >= 2) {
        const codes = await readFrame();
        if (!stream) return; // stopped while this frame was being read
        for (const code of codes) {
          if (!isIsbn13(code)) continue;
          // A single frame can misread the bars; wait until two frames agree.
          if (code === candidate) {
            stopCamera();
            found(code);
            return;
          }
          candidate = code;
        }
      }
    } catch (err) {
      // a frame that cannot be read yet (the camera warming up): try the next one
    }
    timer = setTimeout(detectFrame, 120);
  }

  async function startCamera() {
    say("Starting the camera…");
    try {
      readFrame = readFrame || (await nativeReader()) || (await wasmReader());
    } catch (err) {
      say("The barcode reader could not be loaded. Scan a photo instead.");
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
    } catch (err) {
      stream = null;
      say(err && err.name === "NotAllowedError" ? "Camera access was refused." : "No camera could be opened.");
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    liveButton.textContent = "Stop camera";
    say("Point the camera at the barcode on the back of the book.");
    await video.play().catch(() => {});
    detectFrame();
  }

  function offerLiveScanning() {
    // The camera exists only on secure pages (https, or this machine); a reader is native or wasm.
    if (!liveButton || !video || !window.isSecureContext) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
    if (!("BarcodeDetector" in window) && !(typeof WebAssembly === "object" && decoderBase)) return;
    liveButton.dataset.label = liveButton.innerHTML;
    liveButton.hidden = false;
    liveButton.addEventListener("click", () => {
      if (stream) {
        stopCamera();
        say("");
      } else {
        startCamera();
      }
    });
    document.addEventListener("visibilitychange", () => {
      if (document.hidden && stream) stopCamera();
    });
  }

  // "Add as soon as read" stays on from one book to the next (the page reloads after each add).
  const autoAddBox = document.getElementById("scan-autoadd");
  if (autoAddBox) {
    try {
      autoAddBox.checked = localStorage.getItem("booklib.scanAutoAdd") === "1";
      autoAddBox.addEventListener("change", () => localStorage.setItem("booklib.scanAutoAdd", autoAddBox.checked ? "1" : "0"));
    } catch (e) { /* storage disabled: the box just starts unticked */ }
  }

  offerLiveScanning();
})();
