// Lints the page scripts in kg/view/assets (not the vendored bundle): `npm run lint` in web/.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    files: ["kg/view/assets/**/*.js"],
    ignores: ["kg/view/assets/vendor/**"],
  },
  {
    ignores: ["kg/view/assets/vendor/**"],
  },
  {
    files: ["kg/view/assets/**/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser, KG: "readonly", KGRenderers: "readonly", KGSigma: "readonly", vis: "readonly" },
    },
    rules: {
      ...js.configs.recommended.rules,
      "no-var": "off",
      eqeqeq: ["error", "always"],
      "no-implicit-globals": "error",
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-script-url": "error",
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true, IIFEs: false }],
      complexity: ["error", 12],
      "max-lines": ["error", { max: 500 }],
      "no-restricted-properties": [
        "error",
        { property: "innerHTML", message: "article text is untrusted: use textContent" },
        { property: "outerHTML", message: "article text is untrusted: use textContent" },
        { property: "insertAdjacentHTML", message: "article text is untrusted: use textContent" },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.property.name='write'][callee.object.name='document']", message: "no document.write" },
      ],
    },
  },
];
