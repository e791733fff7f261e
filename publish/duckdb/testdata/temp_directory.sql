SELECT current_setting('temp_directory')::VARCHAR
