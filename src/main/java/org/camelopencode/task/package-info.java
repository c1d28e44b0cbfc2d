/**
 * Task files in, records out: the file-drop contract of DESIGN.md.
 *
 * <p>{@link org.camelopencode.task.TaskReader} turns a task file ({@code *.md} with optional YAML
 * front matter, {@code *.txt}, {@code *.json}) into a validated {@link org.camelopencode.task.TaskSpec},
 * or throws an {@code invalid_task} {@link org.camelopencode.failure.OpenCodeFailureException} that
 * names the file and the problem. {@link org.camelopencode.task.TaskRecords} writes and reads the
 * {@code <name>.result.json} ({@link org.camelopencode.task.ResultRecord}) and
 * {@code <name>.error.json} ({@link org.camelopencode.task.ErrorRecord}) records with the exact field
 * names and order of the contract.
 *
 * <p>No Camel types and no OpenCode server calls here: this package only reads bytes and writes JSON.
 */
package org.camelopencode.task;
