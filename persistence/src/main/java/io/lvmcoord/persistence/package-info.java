/**
 * Wire and durable formats shared by every module above this one: the serialization marker,
 * Jackson setup and the journal/snapshot wiring. Populated by the VG-aggregate work; the module
 * exists now so that the one-way dependency chain is fixed from the start.
 */
package io.lvmcoord.persistence;
