//! Browser faces: the Yew app, the Web Worker and the JS API.
