// The dashboard's text formatting is shared with headless output and messages: it lives in
// source/text/ (below view/, so that cli/ need not import view/).
export * from '../text/format.js';
